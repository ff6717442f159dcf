import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Api = ReturnType<typeof createClient<paths>>;
export type Schemas = components['schemas'];
export type Token = Schemas['TokenResponse'];
export type CreatedToken = Schemas['CreatedTokenResponse'];
export type TokenPage = Schemas['TokenPageResponse'];
export type Member = Schemas['MemberResponse'];
export type AuditEvent = Schemas['AuditEventResponse'];
export type Problem = Schemas['ProblemDetails'];

/** An error answer of the API, with its problem+json fields (RFC 9457). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem>,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }

  get code(): string | undefined {
    return this.problem.code;
  }
}

export interface ApiOptions {
  /** The admin JWT of the signed-in person; never an API token. */
  getAccessToken: () => string | null;
  /** Called on 401: the session ended or was refused. */
  onUnauthorized?: () => void;
  baseUrl?: string;
  /** openapi-fetch calls it with one Request. */
  fetch?: (request: Request) => Promise<Response>;
}

/** The issuer's admin API, typed from its OpenAPI document (schema.d.ts, `npm run console:client`). */
export function createApi(options: ApiOptions): Api {
  const api = createClient<paths>({
    baseUrl: options.baseUrl ?? window.location.origin,
    fetch: options.fetch ?? ((request: Request) => fetch(request)),
  });
  const auth: Middleware = {
    onRequest({ request }) {
      const token = options.getAccessToken();
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) options.onUnauthorized?.();
      return response;
    },
  };
  api.use(auth);
  return api;
}

/** The data of an openapi-fetch result, or an ApiError carrying the problem details. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    const problem =
      typeof result.error === 'object' && result.error !== null ? (result.error as Partial<Problem>) : {};
    throw new ApiError(result.response.status, {
      title: problem.title ?? result.response.statusText,
      ...problem,
    });
  }
  return result.data as T;
}
