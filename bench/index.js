#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench`: verification throughput and latency of the real system against its floors, in one
 * run on this machine. It starts, by itself:
 *   - the floors: a bare node:http server answering the verify JSON, a bare grpc-js server with the
 *     verifier's proto answering a fixed verdict;
 *   - the naive alternative: node:http + SHA-256 + one Postgres query per request, no cache;
 *   - the real system: issuer, verifier and worker from apps/<name>/dist on a fresh, migrated database,
 *     with the Redis and Kafka named by REDIS_URL and KAFKA_BROKERS;
 * and loads them from separate processes (autocannon for HTTP, grpc-js load processes for gRPC). It
 * prints a Markdown table with ratios and the targets of docs/performance.md; a missed target is
 * reported, not an exit code. Every process it starts is stopped on exit and on Ctrl-C.
 */
const os = require('node:os');
const { resolve } = require('node:path');
const { generateToken } = require('@latchkey/token-format');
const { parseOptions, USAGE } = require('./lib/options');
const { quantile, renderTable } = require('./lib/report');
const { startChild, waitForReadyLine, outputOf, cleanUp, wasInterrupted } = require('./lib/processes');
const { startSystem } = require('./lib/system');

const AUTOCANNON = require.resolve('autocannon/autocannon.js');
const log = (/** @type {string} */ line) => process.stderr.write(`bench: ${line}\n`);

/** @param {string} script */
async function startServer(script, env = process.env) {
  const child = startChild(process.execPath, [resolve(__dirname, 'servers', script)], { env });
  return { child, port: await waitForReadyLine(child, script) };
}

/**
 * One autocannon process against POST <url> with {"token": token} (and `fields`, e.g. a caller name).
 * @param {string} url @param {string} token @param {import('./lib/options').BenchOptions} options @param {number} [rate]
 * @param {Record<string, unknown>} [fields]
 */
async function httpLoad(url, token, options, rate, fields = {}) {
  const args = [AUTOCANNON, '-j', '-c', String(options.connections), '-d', String(options.duration)];
  args.push('-m', 'POST', '-H', 'content-type=application/json', '-b', JSON.stringify({ token, ...fields }));
  if (rate) args.push('-R', String(Math.max(1, Math.round(rate))));
  args.push(url);
  const result = JSON.parse(
    /** @type {string} */ (await outputOf(startChild(process.execPath, args), 'autocannon')),
  );
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/**
 * `grpcProcesses` load processes against Verify, each with `channels` channels.
 * @param {string} address @param {string} token @param {string} expectReason
 * @param {import('./lib/options').BenchOptions} options @param {number} [rate]
 */
async function grpcLoad(address, token, expectReason, options, rate) {
  const n = options.grpcProcesses;
  const spec = {
    address,
    token,
    expectReason,
    duration: options.duration,
    concurrency: Math.max(1, Math.round(options.connections / n)),
    channels: options.channels,
    rate: rate ? rate / n : 0,
  };
  const outputs = await Promise.all(
    Array.from({ length: n }, () =>
      outputOf(
        startChild(process.execPath, [resolve(__dirname, 'load/grpc-load.js'), JSON.stringify(spec)]),
        'gRPC load',
      ),
    ),
  );
  const results = outputs.map((out) => JSON.parse(/** @type {string} */ (out)));
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  return {
    rps: results.reduce((sum, r) => sum + r.count / r.elapsed, 0),
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
  };
}

/** @param {string} base @param {string} token */
async function verifyOnce(base, token) {
  const res = await fetch(`${base}/v1/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  return /** @type {{ reason?: string }} */ (await res.json());
}

/** @param {number} pid */
function rssMb(pid) {
  const status = require('node:fs').readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
  return kb / 1024;
}

function machine() {
  const memory = `${Math.round(os.totalmem() / 2 ** 30)} GiB`;
  return `${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? '?'}), ${memory} RAM, node ${process.version}, ${os.type()} ${os.release()}`;
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (options.analytics) {
    await analyticsMain(options);
    return;
  }
  const system = await startSystem({ ...options, log });
  const [httpFloor, grpcFloor, naive] = await Promise.all([
    startServer('http-floor.js'),
    startServer('grpc-floor.js'),
    startServer('naive.js', { ...process.env, DATABASE_URL: system.databaseUrl }),
  ]);
  const verifier = system.verifiers[0];
  const live = await system.createToken('bench-live');
  const revoked = await system.createToken('bench-revoked');
  await system.revoke(revoked.id);
  const tokens = {
    live: live.token,
    malformed: 'lk_typo',
    unknown: generateToken().token,
    revoked: revoked.token,
  };

  // Each target must give the answer its row claims to measure.
  const expected = { live: 'OK', malformed: 'MALFORMED', unknown: 'NOT_FOUND', revoked: 'REVOKED' };
  for (const [kind, token] of Object.entries(tokens)) {
    const answer = await verifyOnce(verifier.base, token);
    const want = expected[/** @type {keyof typeof expected} */ (kind)];
    if (answer.reason !== want)
      throw new Error(`verifier: ${kind} token answered ${JSON.stringify(answer)}, expected ${want}`);
  }
  const naiveBase = `http://127.0.0.1:${naive.port}`;
  if ((await verifyOnce(naiveBase, tokens.live)).reason !== 'OK')
    throw new Error('the naive server refused the live token');

  /** @type {Record<string, import('./lib/report').Row>} */
  const rows = {};
  /**
   * Each target is loaded unmeasured first (`--warmup`), so no row pays for the JIT compiling the
   * paths it takes, and rows do not depend on their order.
   * @param {string} id @param {string} name
   * @param {(opts: import('./lib/options').BenchOptions, rate?: number) => Promise<import('./lib/report').LoadFigure>} load
   */
  const measure = async (id, name, load) => {
    log(`${name}: warming up (${options.warmup} s)`);
    await load({ ...options, duration: options.warmup });
    log(`${name}: maximum rate`);
    const max = await load(options);
    log(`${name}: half of ${Math.round(max.rps)} req/s`);
    const half = await load(options, max.rps / 2);
    rows[id] = { name, max, half };
  };
  const floorUrl = `http://127.0.0.1:${httpFloor.port}/v1/verify`;
  const verifierUrl = `${verifier.base}/v1/verify`;
  await measure('httpFloor', 'HTTP floor: bare node:http', (o, r) => httpLoad(floorUrl, tokens.live, o, r));
  await measure('naiveLive', 'naive: node:http + SHA-256 + 1 Postgres query', (o, r) =>
    httpLoad(`${naiveBase}/v1/verify`, tokens.live, o, r),
  );
  await measure('httpLive', 'verifier HTTP, live token', (o, r) => httpLoad(verifierUrl, tokens.live, o, r));
  await measure('httpMalformed', 'verifier HTTP, malformed token', (o, r) =>
    httpLoad(verifierUrl, tokens.malformed, o, r),
  );
  await measure('httpUnknown', 'verifier HTTP, unknown token', (o, r) =>
    httpLoad(verifierUrl, tokens.unknown, o, r),
  );
  await measure('httpRevoked', 'verifier HTTP, revoked token', (o, r) =>
    httpLoad(verifierUrl, tokens.revoked, o, r),
  );
  await measure('grpcFloor', 'gRPC floor: bare grpc-js', (o, r) =>
    grpcLoad(`127.0.0.1:${grpcFloor.port}`, tokens.live, 'OK', o, r),
  );
  await measure('grpcLive', 'verifier gRPC, live token', (o, r) =>
    grpcLoad(verifier.grpcAddress, tokens.live, 'OK', o, r),
  );
  const rss = rssMb(verifier.pid);

  /** Revokes `count` tokens, each verified on every verifier first so that every cache holds it. */
  const revokeLatency = async (/** @type {number} */ count) => {
    const latencies = [];
    for (let i = 0; i < count; i++) {
      const created = await system.createToken(`bench-revoke-${system.verifiers.length}-${i}`);
      for (const v of system.verifiers) await verifyOnce(v.base, created.token);
      latencies.push(await system.revoke(created.id));
    }
    latencies.sort((a, b) => a - b);
    return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
  };
  log(`revoke latency, 1 verifier (${options.revokes} revokes)`);
  const revoke1 = await revokeLatency(options.revokes);
  await Promise.all([system.startVerifier(), system.startVerifier()]);
  log(`revoke latency, ${system.verifiers.length} verifiers (${options.revokes} revokes)`);
  const revoke3 = await revokeLatency(options.revokes);

  const extra = { rssMb: rss, revoke1, revoke3 };
  process.stdout.write(
    [
      `Machine: ${machine()}; load average before the table ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
      `Load: ${options.duration} s per row after ${options.warmup} s of warm-up, ${options.connections} connections (HTTP, autocannon) / calls in flight ` +
        `(gRPC, ${options.grpcProcesses} processes × ${options.channels} channels); ` +
        `"half" is the row's maximum rate / 2 (autocannon -R). Service logs: ${system.logDir}`,
      '',
      renderTable(rows, extra),
      '',
    ].join('\n'),
  );
}

/**
 * `npm run bench -- --analytics`: the cost of verification analytics (issue 14 asks for "within 5 %").
 * Two verifiers of one system, one with VERIFICATION_ANALYTICS on (the default) and one with it off,
 * loaded in turns (on, off, on, off…) so that drift on a shared machine hits both alike; each turn is
 * HTTP then gRPC on a live token whose caller names itself. Reports the best and the median turn.
 * @param {import('./lib/options').BenchOptions} options
 */
async function analyticsMain(options) {
  const system = await startSystem({ ...options, log });
  const on = system.verifiers[0];
  const off = await system.startVerifier({ VERIFICATION_ANALYTICS: 'false' });
  const live = await system.createToken('bench-analytics');
  for (const v of [on, off]) {
    const answer = await verifyOnce(v.base, live.token);
    if (answer.reason !== 'OK') throw new Error(`verifier answered ${JSON.stringify(answer)}, expected OK`);
  }
  const caller = { caller: 'bench-caller' };
  /** @type {Record<'on'|'off', { http: number[], grpc: number[] }>} */
  const figures = { on: { http: [], grpc: [] }, off: { http: [], grpc: [] } };
  const targets = /** @type {const} */ ([
    ['on', on],
    ['off', off],
  ]);
  for (const [label, v] of targets) {
    log(`analytics ${label}: warming up (${options.warmup} s)`);
    const warm = { ...options, duration: options.warmup };
    await httpLoad(`${v.base}/v1/verify`, live.token, warm, undefined, caller);
    await grpcLoad(v.grpcAddress, live.token, 'OK', warm);
  }
  for (let round = 1; round <= options.rounds; round++) {
    for (const [label, v] of round % 2 === 1 ? targets : [...targets].reverse()) {
      log(`analytics ${label}: round ${round} of ${options.rounds}`);
      const http = await httpLoad(`${v.base}/v1/verify`, live.token, options, undefined, caller);
      const grpc = await grpcLoad(v.grpcAddress, live.token, 'OK', options);
      if (http.errors > 0 || grpc.errors > 0) log(`analytics ${label}: ${http.errors + grpc.errors} errors`);
      figures[label].http.push(http.rps);
      figures[label].grpc.push(grpc.rps);
    }
  }
  const median = (/** @type {number[]} */ xs) =>
    quantile(
      [...xs].sort((a, b) => a - b),
      0.5,
    );
  const best = (/** @type {number[]} */ xs) => Math.max(...xs);
  const line = (/** @type {'http'|'grpc'} */ kind, /** @type {string} */ name) => {
    const [a, b] = [figures.on[kind], figures.off[kind]];
    const ratio = median(a) / median(b);
    const verdict = ratio >= 0.95 ? 'within 5 %' : 'MISSED: more than 5 % slower';
    return `| ${name} | ${Math.round(median(a))} (best ${Math.round(best(a))}) | ${Math.round(median(b))} (best ${Math.round(best(b))}) | ${(ratio * 100).toFixed(1)} % | ${verdict} |`;
  };
  process.stdout.write(
    [
      `Machine: ${machine()}; load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
      `Load: ${options.duration} s per turn after ${options.warmup} s of warm-up, ${options.rounds} turn(s) per verifier, ` +
        `${options.connections} connections / calls in flight; a live token, caller named. Service logs: ${system.logDir}`,
      '',
      '| verify, live token | analytics on, req/s (median) | analytics off, req/s (median) | on / off | target ≥ 95 % |',
      '|---|---|---|---|---|',
      line('http', 'HTTP'),
      line('grpc', 'gRPC'),
      '',
    ].join('\n'),
  );
}

main()
  .catch((error) => {
    if (wasInterrupted()) return;
    process.stderr.write(
      `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  })
  .finally(() => cleanUp());
