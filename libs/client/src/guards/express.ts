import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenVerifier, Verdict } from '../verify/types';
import { authorize, type Authorization, type GuardOptions, PROBLEM_CONTENT_TYPE } from './authorize';

/** A request a guard let through: the verdict (token, tenant, owner, effective permissions) is on it. */
export interface LatchkeyRequest {
  latchkey?: Verdict;
}

/** Writes a guard's refusal as problem+json on a bare Node response (Express, Connect, node:http). */
export function sendRefusal(response: ServerResponse, refusal: Extract<Authorization, { ok: false }>): void {
  response.statusCode = refusal.status;
  for (const [name, value] of Object.entries(refusal.headers)) response.setHeader(name, value);
  response.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
  response.setHeader('Cache-Control', 'no-store');
  response.end(JSON.stringify(refusal.problem));
}

/**
 * Express/Connect middleware: lets a request through only with `Authorization: Bearer lk_…` that the
 * verifier accepts for `options`, setting `request.latchkey` to the verdict; answers 401/403 (or 503
 * when the verifier cannot be asked) as problem+json otherwise.
 *
 *   app.get('/projects/:id', latchkey(verifier, { requiredScopes: ['projects:read'], resource: (r) => r.params.id }), …)
 */
export function latchkey<Request extends IncomingMessage = IncomingMessage>(
  verifier: TokenVerifier,
  options: GuardOptions<Request> = {},
): (request: Request, response: ServerResponse, next: (error?: unknown) => void) => void {
  return (request, response, next) => {
    authorize(verifier, request.headers.authorization, request, options).then(
      (decision) => {
        if (decision.ok) {
          (request as Request & LatchkeyRequest).latchkey = decision.verdict;
          next();
        } else {
          sendRefusal(response, decision);
        }
      },
      (error: unknown) => next(error),
    );
  };
}
