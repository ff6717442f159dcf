import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

export interface AdminClientOptions {
  /** The issuer's base URL, e.g. `https://latchkey.example.com`. */
  baseUrl: string;
  /**
   * The admin JWT from your identity provider (API tokens are refused by the admin API), or a function
   * returning a current one for each request (refresh it there).
   */
  adminToken: string | (() => string | Promise<string>);
  /** Default: the global fetch. */
  fetch?: (request: Request) => Promise<Response>;
}

/** The issuer's admin API, typed from its OpenAPI document (`AdminPaths`), over openapi-fetch. */
export type AdminClient = Client<paths>;

/**
 * A typed client of the issuer's admin API: every path, parameter, body and answer (problem+json
 * included, as `error`) is typed from the OpenAPI document the issuer serves.
 *
 *   const admin = createAdminClient({ baseUrl, adminToken: () => idp.currentToken() });
 *   const { data, error } = await admin.POST('/v1/tokens', { body: { name: 'ci', scopes: ['projects:read'] } });
 */
export function createAdminClient(options: AdminClientOptions): AdminClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const { adminToken } = options;
  const authorization: Middleware = {
    async onRequest({ request }) {
      const token = typeof adminToken === 'function' ? await adminToken() : adminToken;
      request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
  };
  client.use(authorization);
  return client;
}
