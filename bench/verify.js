// @ts-check
/**
 * Verification throughput and latency against a running system (`npm start` first):
 *   npm run bench [-- --requests 5000 --concurrency 32]
 * Mints a development admin JWT (ADMIN_JWT_SECRET from the environment or .env), creates one token,
 * then sends a bounded number of Verify calls over HTTP and gRPC to 127.0.0.1 and prints the figures.
 */
const { readFileSync } = require('node:fs');
const { parseArgs } = require('node:util');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const { SignJWT } = require('jose');
const { VERIFIER_PROTO_PATH } = require('@latchkey/contracts');

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '32' },
    issuer: { type: 'string', default: `http://127.0.0.1:${process.env.ISSUER_PORT ?? 3000}` },
    verifier: { type: 'string', default: `http://127.0.0.1:${process.env.VERIFIER_HTTP_PORT ?? 3001}` },
    grpc: { type: 'string', default: '127.0.0.1:50051' },
  },
});
const REQUESTS = Math.min(Number(values.requests), 100_000);
const CONCURRENCY = Math.min(Number(values.concurrency), 256);

function secret() {
  if (process.env.ADMIN_JWT_SECRET) return process.env.ADMIN_JWT_SECRET;
  const line = readFileSync('.env', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('ADMIN_JWT_SECRET='));
  return line?.slice('ADMIN_JWT_SECRET='.length).trim();
}

async function createToken() {
  const jwt = await new SignJWT({
    tid: 'bench',
    role: 'admin',
    email: 'bench@bench.test',
    email_verified: true,
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bench')
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(secret()));
  const res = await fetch(`${values.issuer}/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `bench-${Date.now()}`, expiresIn: '30d' }),
  });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return /** @type {{ token: string }} */ (await res.json()).token;
}

/** Runs `call` REQUESTS times with CONCURRENCY in flight; returns latencies (ms) and elapsed time. */
async function load(call) {
  const latencies = new Array(REQUESTS);
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        const i = next++;
        const t = process.hrtime.bigint();
        await call();
        latencies[i] = Number(process.hrtime.bigint() - t) / 1e6;
      }
    }),
  );
  return { latencies, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

function report(name, { latencies, seconds }) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(2);
  console.log(
    `${name.padEnd(22)} ${String(Math.round(REQUESTS / seconds)).padStart(7)} req/s   ` +
      `p50 ${q(0.5)} ms   p99 ${q(0.99)} ms   max ${sorted.at(-1).toFixed(2)} ms`,
  );
}

async function main() {
  const token = await createToken();
  const definition = protoLoader.loadSync(VERIFIER_PROTO_PATH, { keepCase: false, defaults: true });
  const pkg = /** @type {any} */ (grpc.loadPackageDefinition(definition));
  const client = new pkg.latchkey.verifier.v1.TokenVerifier(values.grpc, grpc.credentials.createInsecure());
  const viaGrpc = (t) =>
    new Promise((resolve, reject) =>
      client.Verify({ token: t }, (error, response) => (error ? reject(error) : resolve(response))),
    );
  const viaHttp = async (t) => {
    const res = await fetch(`${values.verifier}/v1/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: t }),
    });
    return res.json();
  };
  const check = async (fn, t, reason) => {
    const answer = await fn(t);
    if (answer.reason !== reason) throw new Error(`expected ${reason}, got ${JSON.stringify(answer)}`);
  };
  await check(viaHttp, token, 'OK'); // warm the cache
  console.log(`${REQUESTS} requests per row, ${CONCURRENCY} in flight, node ${process.version}`);
  report('gRPC verify OK', await load(() => check(viaGrpc, token, 'OK')));
  report('HTTP verify OK', await load(() => check(viaHttp, token, 'OK')));
  report('gRPC verify MALFORMED', await load(() => check(viaGrpc, 'lk_typo', 'MALFORMED')));
  report('HTTP verify MALFORMED', await load(() => check(viaHttp, 'lk_typo', 'MALFORMED')));
  client.close();
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
