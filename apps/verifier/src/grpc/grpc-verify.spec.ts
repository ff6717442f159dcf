import { status } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { VerifyReason } from '@latchkey/contracts';
import { VerificationError } from '../verification/verification.errors';
import { toGrpcStatus } from './grpc-status';
import { toGrpcResponse } from './grpc-verify';

describe('gRPC verification mapping', () => {
  const logger = new Logger('spec');
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(new Logger());
  });

  it('answers proto3 empty strings where the HTTP answer has nulls', () => {
    expect(
      toGrpcResponse({
        valid: false,
        reason: VerifyReason.NotFound,
        tokenId: null,
        tenantId: null,
        ownerId: null,
        expiresAt: null,
        effectivePermissions: [],
        resources: [],
      }),
    ).toEqual({
      valid: false,
      reason: 'NOT_FOUND',
      tokenId: '',
      tenantId: '',
      ownerId: '',
      expiresAt: '',
      effectivePermissions: [],
      resources: [],
    });
  });

  it('keeps the identity of an accepted token', () => {
    const answer = {
      valid: true,
      reason: VerifyReason.Ok,
      tokenId: 't-1',
      tenantId: 'tenant-1',
      ownerId: 'user-1',
      expiresAt: '2030-01-01T00:00:00.000Z',
      effectivePermissions: ['projects:read'],
      resources: ['project-1'],
    };

    expect(toGrpcResponse(answer)).toEqual(answer);
  });

  it('fails with UNAVAILABLE when the token store cannot be reached', () => {
    expect(toGrpcStatus(VerificationError.unavailable(), logger)).toMatchObject({
      code: status.UNAVAILABLE,
      message: expect.stringContaining('VERIFIER_UNAVAILABLE'),
    });
  });

  it('fails with INTERNAL, leaking nothing, on an unexpected error', () => {
    expect(toGrpcStatus(new Error('secret detail'), logger)).toEqual({
      code: status.INTERNAL,
      message: expect.not.stringContaining('secret detail'),
    });
  });
});
