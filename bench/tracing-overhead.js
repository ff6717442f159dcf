#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench:tracing`: what OpenTelemetry costs a warm HTTP verify. One issuer and worker, four
 * verifiers on the same database: two with tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT: the noise floor
 * between identical processes), one with tracing on for every request and one sampling 1 % of new traces,
 * both exporting to a local OTLP sink that answers 200.
 * Rounds alternate between them (autocannon, fixed connections, DURATION seconds each) and the medians
 * are printed as a Markdown table. A smoke on a shared machine: read the off/off spread before the
 * off/on one. Needs DATABASE_URL, REDIS_URL, KAFKA_BROKERS and a build (`npm run build`).
 */
const { createServer } = require('node:http');
const { startChild, outputOf, cleanUp } = require('./lib/processes');
const { startSystem } = require('./lib/system');

const AUTOCANNON = require.resolve('autocannon/autocannon.js');
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const DURATION = Number(process.env.DURATION ?? 5);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 20);
const log = (/** @type {string} */ line) => process.stderr.write(`bench:tracing: ${line}\n`);

/** @param {string} url @param {string} token */
async function load(url, token) {
  const args = [AUTOCANNON, '-j', '-c', String(CONNECTIONS), '-d', String(DURATION), '-m', 'POST'];
  args.push('-H', 'content-type=application/json', '-b', JSON.stringify({ token }), url);
  const result = JSON.parse(
    /** @type {string} */ (await outputOf(startChild(process.execPath, args), 'autocannon')),
  );
  return {
    rps: result.requests.total / result.duration,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors,
  };
}

/** @param {number[]} values */
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  let exported = 0;
  const sink = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      exported += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((resolve) => sink.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = sink.address();
  const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  try {
    const system = await startSystem({ build: false, keepDatabase: false, log });
    const offA = system.verifiers[0];
    const offB = await system.startVerifier();
    const on = await system.startVerifier({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    const sampled = await system.startVerifier({
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.01',
    });
    const { token } = await system.createToken('bench-tracing');
    const targets = {
      'off (A)': offA,
      'off (B)': offB,
      'on (every request)': on,
      'on (1 % sampled)': sampled,
    };
    /** @type {Record<string, { rps: number[], p99: number[], errors: number }>} */
    const results = {};
    for (const name of Object.keys(targets)) results[name] = { rps: [], p99: [], errors: 0 };
    for (const [, v] of Object.entries(targets)) await load(`${v.base}/v1/verify`, token); // warm-up
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [name, v] of Object.entries(targets)) {
        const r = await load(`${v.base}/v1/verify`, token);
        results[name].rps.push(r.rps);
        results[name].p99.push(r.p99);
        results[name].errors += r.errors;
        log(`round ${round} ${name}: ${Math.round(r.rps)} verifies/s, p99 ${r.p99} ms`);
      }
    }
    const base = median(results['off (A)'].rps);
    const lines = [
      `Warm HTTP verify, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION} s (medians)`,
      '',
      '| verifier | verifies/s | vs off (A) | p99 ms | non-2xx |',
      '| --- | ---: | ---: | ---: | ---: |',
    ];
    for (const [name, r] of Object.entries(results)) {
      const rps = median(r.rps);
      const delta = ((rps / base - 1) * 100).toFixed(1);
      lines.push(`| tracing ${name} | ${Math.round(rps)} | ${delta} % | ${median(r.p99)} | ${r.errors} |`);
    }
    lines.push('', `OTLP export requests received from the traced verifiers: ${exported}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    sink.close();
    await cleanUp();
  }
}

main().catch(async (error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  await cleanUp();
  process.exit(1);
});
