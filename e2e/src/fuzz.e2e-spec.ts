import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import request from 'supertest';
import { REDEEM_PATH } from '@latchkey/contracts';
import { generateToken } from '@latchkey/token-format';
import { startSystem, type RunningSystem } from './support/system';

/*
 * The fuzzer, kept: every operation of the issuer's OpenAPI document, plus verify on the verifier and the
 * public redeem endpoint, gets a bounded, deterministic (seeded) set of hostile inputs — wrong types,
 * nulls, huge numbers, NUL and other control characters, lone surrogates, deep nesting, huge strings,
 * unknown fields, bad path parameters — with a valid admin JWT and with bad credentials. Every answer is
 * a 2xx or a problem+json 4xx: never a 5xx, never a 2xx to bad credentials.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_203);
/** Requests per operation and credential kind; about 1,000 requests in all. */
const CASES_PER_OPERATION = 50;
const CONCURRENCY = 8;

/** mulberry32: a small seeded PRNG, so a failure replays with the same FUZZ_SEED. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];

interface Schema {
  $ref?: string;
  /** OpenAPI 3.1: a nullable value is `[type, 'null']`. */
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  example?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  /** OpenAPI 3.1: a nullable reference is `oneOf: [{ $ref }, { type: 'null' }]`. */
  oneOf?: Schema[];
  maximum?: number;
  minimum?: number;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schema?: Schema;
}

interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: Schema;
  secured: boolean;
  host: 'issuer' | 'verifier';
}

interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Parameter[];
        requestBody?: { content?: Record<string, { schema?: Schema }> };
        security?: Record<string, unknown>[];
      }
    >
  >;
  components: { schemas: Record<string, Schema> };
}

const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  'x\u001by',
  '\u007f',
  '\ud800',
  'a\udfffb',
  '\ud83d\ude00',
  'x'.repeat(300),
  'x'.repeat(5_000),
  '../../etc/passwd',
  "'; DROP TABLE tokens; --",
  '%00',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '2099-01-01T00:00:00Z',
  '+010000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  'lk_' + 'A'.repeat(49),
  'lkr_' + 'A'.repeat(43),
  '1e308',
  'NaN',
  '__proto__',
];

const HOSTILE_NUMBERS: readonly number[] = [
  0,
  -1,
  1.5,
  1e20,
  1e308,
  -1e308,
  2 ** 53 + 1,
  Number.MAX_SAFE_INTEGER,
];

function hostileValue(random: Random, depth = 0): unknown {
  switch (Math.floor(random() * 9)) {
    case 0:
      return null;
    case 1:
      return pick(random, HOSTILE_NUMBERS);
    case 2:
      return random() < 0.5;
    case 3:
      return depth > 1 ? [] : [hostileValue(random, depth + 1), pick(random, HOSTILE_STRINGS)];
    case 4:
      return depth > 1
        ? {}
        : { [pick(random, ['a', '__proto__', 'constructor', '\u0000'])]: hostileValue(random, depth + 1) };
    default:
      return pick(random, HOSTILE_STRINGS);
  }
}

function resolveSchema(document: OpenApiDocument, schema: Schema | undefined): Schema {
  let current = schema ?? {};
  for (let i = 0; i < 10 && current.$ref; i++) {
    current = document.components.schemas[current.$ref.replace('#/components/schemas/', '')] ?? {};
  }
  if (current.allOf?.length) return resolveSchema(document, current.allOf[0]);
  const alternative = current.oneOf?.find((s) => s.type !== 'null');
  if (alternative) return resolveSchema(document, alternative);
  return current;
}

/** A plausible value for a schema (its example, first enum value, or a simple one of its type). */
function plausible(document: OpenApiDocument, raw: Schema | undefined, depth = 0): unknown {
  const schema = resolveSchema(document, raw);
  if (schema.example !== undefined) return schema.example;
  if (schema.enum?.length) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type ?? 'string') {
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return depth > 3 ? [] : [plausible(document, schema.items, depth + 1)];
    case 'object':
      return depth > 3 ? {} : plausibleObject(document, schema, depth + 1);
    default:
      return schema.format === 'date-time' ? new Date(Date.now() + 86_400_000).toISOString() : 'fuzz';
  }
}

function plausibleObject(document: OpenApiDocument, schema: Schema, depth = 0): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    body[name] = plausible(document, property, depth);
  }
  return body;
}

function deepJson(levels: number): string {
  return `{"a":${'['.repeat(levels)}${']'.repeat(levels)}}`;
}

/** One hostile body: raw text (sent as is) or a value (sent as JSON). */
function hostileBody(
  random: Random,
  document: OpenApiDocument,
  schema: Schema | undefined,
): { raw: string } | { value: unknown } {
  const base = plausibleObject(document, resolveSchema(document, schema));
  const names = Object.keys(base);
  switch (Math.floor(random() * 10)) {
    case 0:
      return {
        raw: pick(random, [
          deepJson(70),
          deepJson(3_000),
          '{"a":',
          '[',
          'null',
          '"x"',
          '1e999',
          '{"a":"\\ud800"}',
          '{"a":"\\u0000"}',
        ]),
      };
    case 1:
      return { value: pick(random, [null, [], 42, 'text', [base], true]) };
    case 2:
      return {
        value: {
          ...base,
          [pick(random, ['unknown', '__proto__', 'constructor', 'x\u0000'])]: hostileValue(random),
        },
      };
    case 3:
      return { value: {} };
    default: {
      // One to three properties of an otherwise plausible body replaced by hostile values.
      const body: Record<string, unknown> = { ...base };
      const count = 1 + Math.floor(random() * 3);
      for (let i = 0; i < count && names.length > 0; i++) body[pick(random, names)] = hostileValue(random);
      return { value: body };
    }
  }
}

const BAD_PATH_SEGMENTS: readonly string[] = [
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  'x'.repeat(2_000),
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%E0%A4%A',
  '..',
  '%2e%2e%2f',
  '1e308',
  '-1',
  '%F0%9F%98%80',
  encodeURIComponent("' OR 1=1 --"),
];

function fillPath(random: Random, path: string, realIds: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_match, name: string) =>
    random() < 0.2 && realIds[name] ? realIds[name] : pick(random, BAD_PATH_SEGMENTS),
  );
}

/** Percent-encodes text, lone surrogates included (as the bytes a careless client would send: WTF-8). */
function encode(text: string): string {
  return Array.from(text)
    .map((character) => {
      try {
        return encodeURIComponent(character);
      } catch {
        const unit = character.charCodeAt(0);
        const byte = (value: number) => `%${value.toString(16).toUpperCase()}`;
        return byte(0xe0 | (unit >> 12)) + byte(0x80 | ((unit >> 6) & 0x3f)) + byte(0x80 | (unit & 0x3f));
      }
    })
    .join('');
}

function hostileQuery(random: Random, parameters: Parameter[]): string {
  const pairs: string[] = [];
  for (const parameter of parameters.filter((p) => p.in === 'query')) {
    if (random() < 0.5) continue;
    // The schema's own bounds and choices too: the edges of what is valid are where answers go wrong.
    const { maximum, minimum, enum: choices = [] } = parameter.schema ?? {};
    const edges = [maximum, minimum, ...choices].filter((edge) => edge !== undefined).map(String);
    const value =
      edges.length > 0 && random() < 0.3
        ? pick(random, edges)
        : pick(random, [
            ...HOSTILE_STRINGS,
            ...HOSTILE_NUMBERS.map(String),
            'Infinity',
            '1e20',
            '0x10',
            '[]',
          ]);
    pairs.push(`${encode(parameter.name)}=${encode(value)}`);
    if (random() < 0.1) pairs.push(`${encode(parameter.name)}=again`);
  }
  if (random() < 0.2) pairs.push(`unknown=${encode(pick(random, HOSTILE_STRINGS))}`);
  if (random() < 0.1) pairs.push('a[b][c][d]=1', 'page[$gt]=1');
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}

interface Finding {
  what: string;
  status: number;
  body: string;
}

describe('fuzzing every endpoint', () => {
  let system: RunningSystem;
  let document: OpenApiDocument;
  const tenantId = `fuzz-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    system = await startSystem();
    document = (await request(system.issuer.url).get('/docs/openapi.json').expect(200))
      .body as OpenApiDocument;
  });

  afterAll(async () => {
    await system?.close();
  });

  function operations(): Operation[] {
    const found: Operation[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        found.push({
          method,
          path,
          parameters: operation.parameters ?? [],
          body: operation.requestBody?.content?.['application/json']?.schema,
          // Behind the admin JWT; revoke-self's credential is the API token it revokes (the `apiToken`
          // scheme): any well-formed token is answered 204 there by design, so it is fuzzed as public.
          secured: (operation.security ?? []).some((scheme) => 'bearer' in scheme),
          host: 'issuer',
        });
      }
    }
    if (!found.some((operation) => operation.path === REDEEM_PATH)) {
      found.push({
        method: 'post',
        path: REDEEM_PATH,
        parameters: [],
        body: { type: 'object', properties: { key: { type: 'string' } } },
        secured: false,
        host: 'issuer',
      });
    }
    found.push({
      method: 'post',
      path: '/v1/verify',
      parameters: [],
      body: {
        type: 'object',
        properties: {
          token: { type: 'string' },
          requiredScopes: { type: 'array', items: { type: 'string' } },
          resource: { type: 'string' },
        },
      },
      secured: false,
      host: 'verifier',
    });
    return found;
  }

  async function badCredentials(random: Random): Promise<{ header?: string; what: string }> {
    const secret = process.env.ADMIN_JWT_SECRET ?? '';
    const claims = { tid: tenantId, role: 'owner', email: 'mallory@x.test', email_verified: true };
    switch (Math.floor(random() * 7)) {
      case 0:
        return { what: 'no credentials' };
      case 1:
        return {
          header: pick(random, [
            'Bearer',
            'Bearer x',
            'Basic YTpi',
            'Bearer a.b.c',
            'bearer ' + 'x'.repeat(8_000),
          ]),
          what: 'garbage',
        };
      case 2:
        return {
          header: `Bearer ${await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('mallory').setExpirationTime('5m').sign(new TextEncoder().encode('a-different-secret-of-at-least-32-chars'))}`,
          what: 'a JWT signed with another key',
        };
      case 3:
        return {
          header: `Bearer ${await new SignJWT(claims)
            .setProtectedHeader({ alg: 'HS256' })
            .setSubject('mallory')
            .setIssuedAt(Math.floor(Date.now() / 1000) - 7_200)
            .setExpirationTime(Math.floor(Date.now() / 1000) - 3_600)
            .sign(new TextEncoder().encode(secret))}`,
          what: 'an expired JWT',
        };
      case 4: {
        const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
        return {
          header: `Bearer ${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...claims, sub: 'mallory', exp: Math.floor(Date.now() / 1000) + 300 })}.`,
          what: 'an unsigned JWT',
        };
      }
      case 5:
        return { header: `Bearer ${generateToken().token}`, what: 'an API token' };
      default:
        return {
          header: `Bearer ${await new SignJWT({ ...claims, role: 'superuser' }).setProtectedHeader({ alg: 'HS256' }).setSubject('mallory').setExpirationTime('5m').sign(new TextEncoder().encode(secret))}`,
          what: 'a JWT with an unknown role',
        };
    }
  }

  it('answers every hostile request with a 2xx or a problem+json 4xx, and no 2xx without credentials', async () => {
    const random = prng(SEED);
    const admin = await system.adminAuth({ tenantId, userId: 'olga', role: 'owner' });
    const created = await request(system.issuer.url)
      .post('/v1/tokens')
      .set('Authorization', admin)
      .send({ name: 'fuzz-target', expiresIn: '90d' })
      .expect(201);
    const realIds = { id: created.body.id as string, userId: 'olga' };

    const findings: Finding[] = [];
    const jobs: (() => Promise<void>)[] = [];
    let sent = 0;
    for (const operation of operations()) {
      for (let i = 0; i < CASES_PER_OPERATION; i++) {
        const withBadCredentials = operation.secured && i % 3 === 2;
        const path = fillPath(random, operation.path, realIds) + hostileQuery(random, operation.parameters);
        const body = ['post', 'put', 'patch'].includes(operation.method)
          ? hostileBody(random, document, operation.body)
          : undefined;
        const encoding = random() < 0.05 ? pick(random, ['gzip', 'br', 'deflate', 'compress']) : undefined;
        const credentials = withBadCredentials
          ? badCredentials(random)
          : Promise.resolve({ header: admin, what: 'an owner JWT' });
        jobs.push(async () => {
          const { header, what: who } = await credentials;
          const base = operation.host === 'issuer' ? system.issuer.url : system.verifier.url;
          let test = request(base)[operation.method as 'get'](path);
          if (header !== undefined && operation.host === 'issuer') test = test.set('Authorization', header);
          if (encoding) test = test.set('Content-Encoding', encoding);
          if (body !== undefined) {
            test = test
              .set('Content-Type', 'application/json')
              .send('raw' in body ? body.raw : JSON.stringify(body.value));
          }
          const res = await test.ok(() => true);
          sent += 1;
          const what = `${operation.method.toUpperCase()} ${path.slice(0, 200)} as ${who}${encoding ? ` (Content-Encoding: ${encoding})` : ''} with ${body === undefined ? 'no body' : JSON.stringify('raw' in body ? body.raw : body.value).slice(0, 300)}`;
          const type = String(res.headers['content-type'] ?? '');
          if (res.status >= 500) {
            findings.push({ what, status: res.status, body: res.text.slice(0, 300) });
          } else if (res.status >= 400) {
            const problem = type.startsWith('application/problem+json')
              ? (JSON.parse(res.text) as { code?: unknown; status?: unknown })
              : undefined;
            if (problem?.status !== res.status || typeof problem.code !== 'string') {
              findings.push({
                what: `${what} [not problem+json]`,
                status: res.status,
                body: res.text.slice(0, 300),
              });
            }
          } else if (withBadCredentials && res.status < 300) {
            findings.push({
              what: `${what} [2xx with bad credentials]`,
              status: res.status,
              body: res.text.slice(0, 300),
            });
          }
        });
      }
    }

    const queue = [...jobs];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let job = queue.shift(); job; job = queue.shift()) await job();
      }),
    );

    expect({ findings: findings.length, first: findings.slice(0, 15) }).toEqual({ findings: 0, first: [] });
    expect(sent).toBeGreaterThanOrEqual(900);
  });
});
