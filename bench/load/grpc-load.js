// @ts-check
/**
 * One gRPC load process: `channels` separate channels to the target, `concurrency` calls in flight
 * spread over them, for `duration` seconds, optionally paced to `rate` calls/s in total. Each answer
 * must carry `expectReason`, otherwise it counts as an error. Prints one JSON line: the count, the
 * errors, the elapsed seconds and every latency (ms, from the moment the call was sent).
 *   node grpc-load.js '{"address":"127.0.0.1:50051","token":"lk_…","expectReason":"OK",...}'
 */
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const { VERIFIER_PROTO_PATH } = require('@latchkey/contracts');

const spec = JSON.parse(process.argv[2]);
const { address, token, expectReason, duration, concurrency, channels, rate } = spec;

const definition = protoLoader.loadSync(VERIFIER_PROTO_PATH, { keepCase: false, defaults: true });
const pkg = /** @type {any} */ (grpc.loadPackageDefinition(definition));
const clients = Array.from(
  { length: channels },
  (_, i) =>
    // A distinct channel option keeps grpc-js from sharing one subchannel between the clients.
    new pkg.latchkey.verifier.v1.TokenVerifier(address, grpc.credentials.createInsecure(), {
      'grpc.channel_id': i,
      'grpc.use_local_subchannel_pool': 1,
    }),
);

/** @param {any} client */
function call(client) {
  return new Promise((resolve) => {
    client.Verify(
      { token },
      { deadline: Date.now() + 5_000 },
      (/** @type {any} */ error, /** @type {any} */ response) =>
        resolve(!error && response.reason === expectReason),
    );
  });
}

async function main() {
  const latencies = [];
  let errors = 0;
  let sent = 0;
  const started = performance.now();
  const deadline = started + duration * 1000;
  const sleep = (/** @type {number} */ msLeft) => new Promise((r) => setTimeout(r, msLeft));
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      const client = clients[worker % clients.length];
      for (;;) {
        const i = sent++;
        if (rate > 0) {
          const due = started + (i * 1000) / rate;
          if (due >= deadline) return;
          const wait = due - performance.now();
          if (wait >= 1) await sleep(wait);
        } else if (performance.now() >= deadline) return;
        const t = performance.now();
        const ok = await call(client);
        latencies.push(performance.now() - t);
        if (!ok) errors++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  clients.forEach((c) => c.close());
  process.stdout.write(
    JSON.stringify({
      count: latencies.length,
      errors,
      elapsed,
      latencies: latencies.map((l) => Math.round(l * 1000) / 1000),
    }) + '\n',
  );
}

void main();
