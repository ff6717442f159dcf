// @ts-check
/**
 * The real system for the benchmark: a fresh database created and migrated by the issuer's own
 * migration command, then issuer, verifier(s) and worker from apps/<name>/dist as production runs
 * them, against the Postgres, Redis and Kafka named by DATABASE_URL, REDIS_URL and KAFKA_BROKERS, with
 * per-run Kafka topic and Redis key namespaces (the same steps as the e2e global setup and system).
 */
const { execFileSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { mkdirSync, readFileSync } = require('node:fs');
const { createServer } = require('node:net');
const { resolve } = require('node:path');
const { Client } = require('pg');
const { SignJWT } = require('jose');
const { startChild, stopChild, onCleanup } = require('./processes');

const REPO_ROOT = resolve(__dirname, '../..');

/**
 * The node flags production starts `name` with: those of the `CMD ["node", ...flags, "apps/<name>/dist/main.js"]`
 * of the Dockerfile's stage for it (the verifier's bound V8's heap, see docs/performance.md), so that the
 * bench measures the process production runs.
 * @param {string} name
 * @returns {string[]}
 */
function productionNodeFlags(name) {
  const dockerfile = readFileSync(resolve(REPO_ROOT, 'Dockerfile'), 'utf8');
  const stage =
    new RegExp(`^FROM \\S+ AS ${name}$([\\s\\S]*?)(?=^FROM |(?![\\s\\S]))`, 'm').exec(dockerfile)?.[1] ?? '';
  const cmd = /^CMD (\[.*\])$/m.exec(stage)?.[1];
  if (cmd === undefined) return [];
  const words = /** @type {string[]} */ (JSON.parse(cmd));
  return words.slice(1, words.indexOf(`apps/${name}/dist/main.js`)).filter((word) => word.startsWith('--'));
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolvePort(port));
    });
  });
}

/** @param {string} url @param {string} sql */
async function runSql(url, sql) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** @param {() => Promise<boolean>} probe @param {string} what @param {number} timeoutMs */
async function waitUntil(probe, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * @param {{ build: boolean, keepDatabase: boolean, log: (line: string) => void }} options
 */
async function startSystem(options) {
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS']) {
    if (!process.env[key]) throw new Error(`${key} must name the running service (see docs/performance.md)`);
  }
  if (options.build) {
    options.log('building (tsc -b tsconfig.build.json)');
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
  }
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const databaseName = `latchkey_bench_${runId}`;
  const serverUrl = /** @type {string} */ (process.env.DATABASE_URL);
  await runSql(serverUrl, `CREATE DATABASE "${databaseName}"`);
  if (!options.keepDatabase) {
    onCleanup(() => runSql(serverUrl, `DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`));
  }
  const url = new URL(serverUrl);
  url.pathname = `/${databaseName}`;
  const databaseUrl = url.toString();
  execFileSync(process.execPath, [resolve(REPO_ROOT, 'apps/issuer/dist/cli/migrate.js')], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const logDir = resolve(REPO_ROOT, '.local/bench-logs', runId);
  mkdirSync(logDir, { recursive: true });
  const adminSecret = randomBytes(32).toString('hex');
  const [issuerPort, internalPort, workerPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    KAFKA_TOPIC_PREFIX: `bench-${runId}.`,
    REDIS_KEY_PREFIX: `latchkey-bench-${runId}:`,
    ADMIN_JWT_SECRET: adminSecret,
    INTERNAL_API_SECRET: randomBytes(32).toString('hex'),
    SIGNING_SECRET_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    CACHE_SIGNING_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    ISSUER_PORT: String(issuerPort),
    ISSUER_PUBLIC_URL: `http://127.0.0.1:${issuerPort}`,
    INTERNAL_PORT: String(internalPort),
    ISSUER_INTERNAL_URL: `http://127.0.0.1:${internalPort}`,
    // The limits are on and counting, as in production, but set above what the load reaches: the bench
    // measures the cost of a verdict, not the limiter's refusals.
    REDEEM_RATE_LIMIT: '1000000000/1m',
    ADMIN_API_RATE_LIMIT: '1000000000/1m',
    VERIFY_REFUSAL_RATE_LIMIT: '1000000000/1m',
    WORKER_PORT: String(workerPort),
    ISSUER_KAFKA_GROUP_ID: `bench-issuer-${runId}`,
    ISSUER_AUDIT_KAFKA_GROUP_ID: `bench-audit-${runId}`,
    WORKER_KAFKA_GROUP_ID: `bench-worker-${runId}`,
  };

  let launched = 0;
  /** @param {'issuer'|'verifier'|'worker'} name @param {number} httpPort @param {NodeJS.ProcessEnv} serviceEnv */
  async function launch(name, httpPort, serviceEnv) {
    const logFile = resolve(logDir, `${name}-${++launched}.log`);
    const main = resolve(REPO_ROOT, `apps/${name}/dist/main.js`);
    const child = startChild(process.execPath, [...productionNodeFlags(name), main], {
      cwd: REPO_ROOT,
      env: serviceEnv,
      logFile,
    });
    const base = `http://127.0.0.1:${httpPort}`;
    await waitUntil(async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see ${logFile}`);
      return (await fetch(`${base}/ready`)).status === 200;
    }, `${name} to become ready (log ${logFile})`);
    return { child, base, pid: /** @type {number} */ (child.pid) };
  }

  const verifiers = [];
  /** @param {NodeJS.ProcessEnv} [extraEnv] on top of the system's (e.g. OTEL_EXPORTER_OTLP_ENDPOINT) */
  async function startVerifier(extraEnv = {}) {
    const [httpPort, grpcPort] = await Promise.all([freePort(), freePort()]);
    const verifier = await launch('verifier', httpPort, {
      ...env,
      ...extraEnv,
      VERIFIER_HTTP_PORT: String(httpPort),
      VERIFIER_GRPC_URL: `127.0.0.1:${grpcPort}`,
      VERIFIER_INSTANCE_ID: `bench-${runId}-${verifiers.length + 1}`,
    });
    const running = { ...verifier, grpcAddress: `127.0.0.1:${grpcPort}` };
    verifiers.push(running);
    return running;
  }

  const [issuer] = await Promise.all([
    launch('issuer', issuerPort, env),
    launch('worker', workerPort, env),
    startVerifier(),
  ]);
  const jwt = await new SignJWT({
    tid: 'bench',
    role: 'admin',
    email: 'bench@bench.test',
    email_verified: true,
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bench-admin')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(adminSecret));
  const headers = { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' };

  return {
    databaseUrl,
    logDir,
    issuerUrl: issuer.base,
    /** The admin JWT the bench calls with (tenant `bench`, user `bench-admin`, role admin). */
    adminJwt: jwt,
    verifiers,
    startVerifier,
    /** @param {string} name @returns {Promise<{ id: string, token: string }>} */
    async createToken(name) {
      const res = await fetch(`${issuer.base}/v1/tokens`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name, expiresIn: '30d' }),
      });
      if (res.status !== 201) throw new Error(`creating a token: ${res.status} ${await res.text()}`);
      return /** @type {{ id: string, token: string }} */ (await res.json());
    },
    /** @param {string} id @returns {Promise<number>} the call's latency in ms */
    async revoke(id) {
      const started = performance.now();
      const res = await fetch(`${issuer.base}/v1/tokens/${id}/revoke`, { method: 'POST', headers });
      const elapsed = performance.now() - started;
      if (res.status !== 200 && res.status !== 201)
        throw new Error(`revoking: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
      return elapsed;
    },
    stopVerifier: (/** @type {{ child: import('node:child_process').ChildProcess }} */ v) =>
      stopChild(v.child),
  };
}

module.exports = { startSystem, productionNodeFlags, REPO_ROOT };
