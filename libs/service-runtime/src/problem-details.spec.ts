import { type ArgumentsHost, BadRequestException, NotFoundException } from '@nestjs/common';
import { DomainError, ProblemDetailsFilter } from './problem-details';

function run(exception: unknown) {
  const sent: {
    status?: number;
    type?: string;
    body?: Record<string, unknown>;
    headers: Record<string, string>;
  } = { headers: {} };
  const response = {
    setHeader(name: string, value: string) {
      sent.headers[name] = value;
      return this;
    },
    status(code: number) {
      sent.status = code;
      return this;
    },
    type(t: string) {
      sent.type = t;
      return this;
    },
    send(body: string) {
      sent.body = JSON.parse(body) as Record<string, unknown>;
      return this;
    },
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({
      getRequest: () => ({ originalUrl: '/v1/tokens?x=1' }),
      getResponse: () => response,
    }),
  } as unknown as ArgumentsHost;
  new ProblemDetailsFilter().catch(exception, host);
  return sent;
}

describe('ProblemDetailsFilter', () => {
  it('answers a domain error as problem+json with its code', () => {
    const sent = run(new DomainError('TOKEN_NOT_FOUND', 404, 'No token x.'));
    expect(sent.status).toBe(404);
    expect(sent.type).toBe('application/problem+json');
    expect(sent.body).toEqual({
      type: 'https://latchkey.dev/problems/token-not-found',
      title: 'Not Found',
      status: 404,
      detail: 'No token x.',
      code: 'TOKEN_NOT_FOUND',
      instance: '/v1/tokens',
    });
  });

  it('answers a lock timeout as 503 DATABASE_BUSY with Retry-After, not 500', () => {
    // What TypeORM throws when Postgres cancels a lock wait (lock_timeout): a QueryFailedError.
    const lockTimeout = Object.assign(new Error('canceling statement due to lock timeout'), {
      driverError: { code: '55P03', message: 'canceling statement due to lock timeout' },
    });
    const sent = run(lockTimeout);
    expect(sent.status).toBe(503);
    expect(sent.headers['Retry-After']).toBe('1');
    expect(sent.body).toMatchObject({ code: 'DATABASE_BUSY', status: 503 });
    expect(sent.body?.detail).toContain('Nothing was changed');
  });

  it('answers an exhausted pool as 503 DATABASE_BUSY', () => {
    const sent = run(new Error('timeout exceeded when trying to connect'));
    expect(sent.status).toBe(503);
    expect(sent.body).toMatchObject({ code: 'DATABASE_BUSY' });
  });

  it('keeps every validation message', () => {
    const sent = run(new BadRequestException(['name must be a string', 'property x should not exist']));
    expect(sent.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: ['name must be a string', 'property x should not exist'],
    });
  });

  it('answers an unknown route without echoing it', () => {
    expect(run(new NotFoundException('Cannot GET /secret')).body).toMatchObject({
      code: 'ROUTE_NOT_FOUND',
      detail: 'No such endpoint.',
    });
  });

  it('hides unexpected errors behind a bare 500', () => {
    const sent = run(new Error('connection string postgres://user:pw@db leaked'));
    expect(sent.status).toBe(500);
    expect(JSON.stringify(sent.body)).not.toContain('postgres://');
    expect(sent.body?.code).toBe('INTERNAL');
  });
});
