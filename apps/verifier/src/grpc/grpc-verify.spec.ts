import { status } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { VerifyReason } from '@latchkey/contracts';
import { VerificationError } from '../verification/verification.errors';
import { toGrpcStatus } from './grpc-status';
import { grpcCallerName, toGrpcResponse } from './grpc-verify';

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

  describe('the caller name', () => {
    const metadata = (values: Record<string, string> = {}) => ({
      get: (key: string) => (values[key] === undefined ? [] : [values[key]]),
    });

    it('is the request field, else the latchkey-caller metadata, else none', () => {
      expect(grpcCallerName({ caller: 'billing-api' }, metadata({ 'latchkey-caller': 'crm' }))).toEqual({
        ok: true,
        name: 'billing-api',
      });
      expect(grpcCallerName({ caller: '' }, metadata({ 'latchkey-caller': 'crm' }))).toEqual({
        ok: true,
        name: 'crm',
      });
      expect(grpcCallerName({}, metadata())).toEqual({ ok: true, name: undefined });
    });

    it.each([['billing api'], ['x'.repeat(65)], ['-leading-dash'], ['naïve']])(
      'refuses %j as HTTP does, whichever way it comes',
      (name) => {
        expect(grpcCallerName({ caller: name }, metadata())).toMatchObject({ ok: false });
        expect(grpcCallerName({}, metadata({ 'latchkey-caller': name }))).toMatchObject({ ok: false });
      },
    );
  });
});
