import { type ArgumentsHost, BadRequestException, NotFoundException } from '@nestjs/common';
import { DomainError, ProblemDetailsFilter } from './problem-details';

function run(exception: unknown) {
  const sent: { status?: number; type?: string; body?: Record<string, unknown> } = {};
  const response = {
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
