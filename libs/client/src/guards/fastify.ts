import type { TokenVerifier, Verdict } from '../verify/types';
import { authorize, type GuardOptions, PROBLEM_CONTENT_TYPE } from './authorize';

/** The part of a Fastify request the hook reads (structural: no dependency on fastify). */
export interface FastifyRequestLike {
  headers: Record<string, string | string[] | undefined>;
  latchkey?: Verdict;
}

/** The part of a Fastify reply the hook writes. */
export interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  send(payload?: unknown): FastifyReplyLike;
}

/**
 * A Fastify `onRequest`/`preHandler` hook (async form): lets a request through with a verified bearer
 * token, setting `request.latchkey`; otherwise replies 401/403/503 as problem+json.
 *
 *   fastify.get('/projects/:id', { preHandler: latchkeyHook(verifier, { requiredScopes: ['projects:read'] }) }, …)
 *
 * To declare `request.latchkey` on Fastify's types:
 *   declare module 'fastify' { interface FastifyRequest { latchkey?: Verdict } }
 */
export function latchkeyHook<Request extends FastifyRequestLike, Reply extends FastifyReplyLike>(
  verifier: TokenVerifier,
  options: GuardOptions<Request> = {},
): (request: Request, reply: Reply) => Promise<Reply | undefined> {
  return async (request, reply) => {
    const decision = await authorize(verifier, request.headers.authorization, request, options);
    if (decision.ok) {
      request.latchkey = decision.verdict;
      return undefined;
    }
    reply.code(decision.status);
    for (const [name, value] of Object.entries(decision.headers)) reply.header(name, value);
    reply.header('content-type', PROBLEM_CONTENT_TYPE).header('cache-control', 'no-store');
    // Returning the reply after send() tells Fastify the hook answered: the handler does not run.
    return reply.send(JSON.stringify(decision.problem)) as Reply;
  };
}
