import { type CanActivate, type ExecutionContext, HttpException } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { authorize, type Authorization, type GuardOptions, PROBLEM_CONTENT_TYPE } from './guards/authorize';
import { sendRefusal } from './guards/express';
import type { TokenVerifier, Verdict } from './verify/types';

/** The refusal a LatchkeyGuard throws: Nest's exception layer answers it with the problem as the body. */
export class LatchkeyRefusal extends HttpException {
  constructor(readonly refusal: Extract<Authorization, { ok: false }>) {
    super(refusal.problem, refusal.status);
  }
}

/** Fastify's reply, as much as the guard uses of it (structural: no dependency on fastify). */
interface FastifyReply {
  raw: ServerResponse;
  sent: boolean;
  code(status: number): FastifyReply;
  header(name: string, value: string): FastifyReply;
  send(payload: string): FastifyReply;
}

function isFastifyReply(response: unknown): response is FastifyReply {
  return typeof response === 'object' && response !== null && 'raw' in response && 'sent' in response;
}

/**
 * A NestJS guard (Express or Fastify platform) that lets a request through only with a bearer token the
 * verifier accepts for `options`, setting `request.latchkey`. Otherwise it answers 401/403 (503 when
 * the verifier cannot be asked) as problem+json itself, since Nest's exception layer would answer
 * `application/json`, and throws a LatchkeyRefusal so that the handler does not run; Nest's own filter
 * sees the answer sent and leaves it. (A catch-all exception filter of your own should do the same:
 * skip a response whose headers are sent.)
 *
 *   @UseGuards(new LatchkeyGuard(verifier, { requiredScopes: ['projects:read'] }))
 */
export class LatchkeyGuard<
  Request extends { headers: Record<string, string | string[] | undefined> },
> implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly options: GuardOptions<Request> = {},
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request & { latchkey?: Verdict }>();
    const decision = await authorize(this.verifier, request.headers.authorization, request, this.options);
    if (decision.ok) {
      request.latchkey = decision.verdict;
      return true;
    }
    const response = http.getResponse<unknown>();
    if (isFastifyReply(response)) {
      if (!response.sent) {
        response.code(decision.status);
        for (const [name, value] of Object.entries(decision.headers)) response.header(name, value);
        response.header('content-type', PROBLEM_CONTENT_TYPE).header('cache-control', 'no-store');
        response.send(JSON.stringify(decision.problem));
      }
    } else if (!(response as ServerResponse).headersSent) {
      sendRefusal(response as ServerResponse, decision);
    }
    throw new LatchkeyRefusal(decision);
  }
}
