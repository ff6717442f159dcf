import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One raw HTTP request to the verifier, as a client could send it (no client-side normalisation). */
export interface RawCase {
  name: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  /** The body bytes; sent with Content-Length unless `chunked`. */
  body?: string | Buffer;
  chunked?: boolean;
}

export interface RawAnswer {
  status: number;
  contentType: string | undefined;
  retryAfter: string | undefined;
  allow: string | undefined;
  body: string;
}

const json = { 'content-type': 'application/json' };
const post = (name: string, body: string, headers: Record<string, string> = json): RawCase => ({
  name,
  body,
  headers,
});
const scopes = (n: number): string => JSON.stringify(Array.from({ length: n }, (_, i) => `s${i}`));

/**
 * Requests whose answers the lean `POST /v1/verify` path must give exactly as the framework pipeline
 * (Express + class-validator DTO + ValidationPipe + ProblemDetailsFilter) gave them.
 */
export const RAW_CASES: RawCase[] = [
  post('a malformed token', '{"token":"not-a-token"}'),
  post('an empty token', '{"token":""}'),
  post(
    'every optional field',
    '{"token":"x","requiredScopes":["a","b"],"resource":"r","callerEnforcesResources":true}',
  ),
  post('no scopes', '{"token":"x","requiredScopes":[]}'),
  post('an empty object', '{}'),
  post('an empty body', ''),
  post('a white-space body', '  \n '),
  post('a number token', '{"token":42}'),
  post('a null token', '{"token":null}'),
  post('an object token', '{"token":{}}'),
  post('an array token', '{"token":["x"]}'),
  post('an unknown field', '{"token":"x","tenant":"y"}'),
  post('two unknown fields', '{"token":"x","tenant":"y","other":1}'),
  post('an unknown field without token', '{"tenant":"y"}'),
  post('a __proto__ field', '{"__proto__":{"x":1},"token":"x"}'),
  post('a constructor field', '{"constructor":1,"token":"x"}'),
  post('a duplicate key', '{"token":1,"token":"x"}'),
  post('an array body', '[{"token":"x"}]'),
  post('an empty array body', '[]'),
  post('a null body', 'null'),
  post('a string body', '"x"'),
  post('a number body', '42'),
  post('truncated JSON', '{"token":'),
  post('trailing garbage', '{"token":"x"} x'),
  post('scopes as a string', '{"token":"x","requiredScopes":"abc"}'),
  post('scopes as a long string', `{"token":"x","requiredScopes":"${'a'.repeat(129)}"}`),
  post('scopes as a number', '{"token":"x","requiredScopes":5}'),
  post('scopes as an object', '{"token":"x","requiredScopes":{"a":1}}'),
  post('a number scope', '{"token":"x","requiredScopes":["a",42]}'),
  post('a null scope', '{"token":"x","requiredScopes":[null]}'),
  post('null scopes', '{"token":"x","requiredScopes":null}'),
  post('50 scopes', `{"token":"x","requiredScopes":${scopes(50)}}`),
  post('51 scopes', `{"token":"x","requiredScopes":${scopes(51)}}`),
  post('a 128-character scope', `{"token":"x","requiredScopes":["${'a'.repeat(128)}"]}`),
  post('a 129-character scope', `{"token":"x","requiredScopes":["${'a'.repeat(129)}"]}`),
  post('51 long scopes', `{"token":"x","requiredScopes":${JSON.stringify(Array(51).fill('a'.repeat(129)))}}`),
  post('a number resource', '{"token":"x","resource":42}'),
  post('a null resource', '{"token":"x","resource":null}'),
  post('an empty resource', '{"token":"x","resource":""}'),
  post('a 128-character resource', `{"token":"x","resource":"${'a'.repeat(128)}"}`),
  post('a 129-character resource', `{"token":"x","resource":"${'a'.repeat(129)}"}`),
  post('128 surrogate pairs as resource', `{"token":"x","resource":"${'\\ud83d\\ude00'.repeat(128)}"}`),
  post('129 surrogate pairs as resource', `{"token":"x","resource":"${'\\ud83d\\ude00'.repeat(129)}"}`),
  post('variation selectors in resource', `{"token":"x","resource":"a${'\\ufe0f'.repeat(200)}"}`),
  post('a string flag', '{"token":"x","callerEnforcesResources":"true"}'),
  post('a number flag', '{"token":"x","callerEnforcesResources":1}'),
  post('a null flag', '{"token":"x","callerEnforcesResources":null}'),
  post('a false flag', '{"token":"x","callerEnforcesResources":false}'),
  post(
    'everything wrong',
    '{"token":5,"requiredScopes":["a",42],"resource":5,"callerEnforcesResources":"y","extra":1}',
  ),
  post('a NUL in the token', '{"token":"lk_\\u0000x"}'),
  post('a NUL in a key', '{"tok\\u0000en":"x"}'),
  post('a control character in a scope', '{"token":"x","requiredScopes":["a","b\\u001b"]}'),
  post('a control character in an unknown field', '{"token":"x","extra":{"y":"\\u0007"}}'),
  post('a lone high surrogate', '{"token":"\\ud800"}'),
  post('a lone low surrogate', '{"token":"x\\udc00y"}'),
  post('white space in free text', '{"token":"not a token \\ud83d\\ude00\\t\\n"}'),
  post(
    'a raw invalid UTF-8 byte',
    Buffer.from([
      0x7b, 0x22, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d,
    ]) as unknown as string,
  ),
  post('a byte-order mark', '\ufeff{"token":"x"}'),
  post('too deep', `{"token":${'['.repeat(3000)}${']'.repeat(3000)}}`),
  post('63 levels', `{"token":${'['.repeat(63)}${']'.repeat(63)}}`),
  post('64 levels', `{"token":${'['.repeat(64)}${']'.repeat(64)}}`),
  post('brackets in a string', `{"token":"${'['.repeat(100)}"}`),
  post('over 16 kb', `{"token":"${'x'.repeat(17 * 1024)}"}`),
  post('16 kb less a byte', `{"token":"${'x'.repeat(16 * 1024 - 13)}"}`),
  post('exactly 16 kb', `{"token":"${'x'.repeat(16 * 1024 - 12)}"}`),
  { name: 'over 16 kb, chunked', body: `{"token":"${'x'.repeat(17 * 1024)}"}`, headers: json, chunked: true },
  { name: 'a chunked body', body: '{"token":"x"}', headers: json, chunked: true },
  post('no content type', '{"token":"x"}', {}),
  post('text/plain', '{"token":"x"}', { 'content-type': 'text/plain' }),
  post('problem+json', '{"token":"x"}', { 'content-type': 'application/problem+json' }),
  post('upper-case media type', '{"token":"x"}', { 'content-type': 'Application/JSON' }),
  post('charset utf-8', '{"token":"x"}', { 'content-type': 'application/json; charset=utf-8' }),
  post('charset UTF-8', '{"token":"x"}', { 'content-type': 'application/json; charset=UTF-8' }),
  post('charset latin1', '{"token":"x"}', { 'content-type': 'application/json; charset=latin1' }),
  post('charset utf-x', '{"token":"x"}', { 'content-type': 'application/json; charset=utf-x' }),
  post('an invalid content type', '{"token":"x"}', { 'content-type': 'json' }),
  post('gzip', '{"token":"x"}', { ...json, 'content-encoding': 'gzip' }),
  post('x-unknown encoding', '{"token":"x"}', { ...json, 'content-encoding': 'x-unknown' }),
  post('identity encoding', '{"token":"x"}', { ...json, 'content-encoding': ' Identity ' }),
  post('empty encoding', '{"token":"x"}', { ...json, 'content-encoding': '' }),
  { name: 'a query string', path: '/v1/verify?x=1', body: '{"token":"x"}', headers: json },
  { name: 'a NUL in the query', path: '/v1/verify?x=%00', body: '{"token":"x"}', headers: json },
  { name: 'a NUL in a query key', path: '/v1/verify?x%00=1', body: '{"token":"x"}', headers: json },
  { name: 'a bad escape in the query', path: '/v1/verify?x=%zz', body: '{"token":"x"}', headers: json },
  {
    name: 'a lone surrogate in the query',
    path: '/v1/verify?x=%ED%A0%80',
    body: '{"token":"x"}',
    headers: json,
  },
  { name: 'a trailing slash', path: '/v1/verify/', body: '{"token":"x"}', headers: json },
  { name: 'upper case', path: '/V1/VERIFY', body: '{"token":"x"}', headers: json },
  { name: 'a double slash', path: '/v1//verify', body: '{"token":"x"}', headers: json },
  { name: 'an encoded letter', path: '/v1/%76erify', body: '{"token":"x"}', headers: json },
  { name: 'an extension', path: '/v1/verify.json', body: '{"token":"x"}', headers: json },
  { name: 'another path', path: '/v1/verif', body: '{"token":"x"}', headers: json },
  { name: 'a bad escape in the path', path: '/v1/verify%zz', body: '{"token":"x"}', headers: json },
  { name: 'GET', method: 'GET' },
  { name: 'PUT', method: 'PUT', body: '{"token":"x"}', headers: json },
  { name: 'DELETE', method: 'DELETE' },
  { name: 'PATCH', method: 'PATCH', body: '{"token":"x"}', headers: json },
  { name: 'HEAD', method: 'HEAD' },
  { name: 'OPTIONS', method: 'OPTIONS' },
  { name: 'GET elsewhere', method: 'GET', path: '/nowhere' },
];

/** Sends `testCase` to `server` (listening) and resolves with what came back. */
export function send(server: Server, testCase: RawCase): Promise<RawAnswer> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...testCase.headers };
    const body = testCase.body === undefined ? undefined : Buffer.from(testCase.body);
    if (body !== undefined && !testCase.chunked) headers['content-length'] = body.length;
    if (testCase.chunked) headers['transfer-encoding'] = 'chunked';
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: testCase.method ?? 'POST',
        path: testCase.path ?? '/v1/verify',
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'],
            retryAfter: res.headers['retry-after'],
            allow: res.headers.allow,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
