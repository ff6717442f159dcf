// @ts-check
const { parseArgs } = require('node:util');

const USAGE = `npm run bench [-- options]
  --duration <s>      seconds of load per row (default 10)
  --warmup <s>        seconds of unmeasured load on each row's target first (default 3; --quick 1)
  --quick             2 s per row, 20 revokes per figure
  --connections <n>   HTTP connections / gRPC calls in flight (default 50)
  --channels <n>      gRPC channels per load process (default 4)
  --grpc-processes <n> gRPC load processes (default 2)
  --revokes <n>       revoke calls per latency figure (default 50)
  --no-build          use apps/*/dist as it is (default: tsc -b tsconfig.build.json first)
  --keep-database     do not drop the benchmark database at the end
  --analytics         instead of the table: verifier throughput with verification analytics on and off
                      (VERIFICATION_ANALYTICS), two verifiers measured in turns, --rounds times each
  --rounds <n>        turns per verifier with --analytics (default 3; --quick 1)
  --help`;

/**
 * @typedef {{ duration: number, warmup: number, connections: number, channels: number, grpcProcesses: number,
 *   revokes: number, build: boolean, keepDatabase: boolean, analytics: boolean, rounds: number,
 *   help: boolean }} BenchOptions
 */

/** @param {string[]} argv @returns {BenchOptions} */
function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      quick: { type: 'boolean', default: false },
      connections: { type: 'string', default: '50' },
      channels: { type: 'string', default: '4' },
      'grpc-processes': { type: 'string', default: '2' },
      revokes: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      'keep-database': { type: 'boolean', default: false },
      analytics: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const quick = values.quick === true;
  return {
    duration: positive('duration', values.duration ?? (quick ? '2' : '10'), 600),
    warmup: positive('warmup', values.warmup ?? (quick ? '1' : '3'), 600),
    connections: positive('connections', values.connections ?? '50', 1000),
    channels: positive('channels', values.channels ?? '4', 64),
    grpcProcesses: positive('grpc-processes', values['grpc-processes'] ?? '2', 16),
    revokes: positive('revokes', values.revokes ?? (quick ? '20' : '50'), 1000),
    build: values['no-build'] !== true,
    keepDatabase: values['keep-database'] === true,
    analytics: values.analytics === true,
    rounds: positive('rounds', values.rounds ?? (quick ? '1' : '3'), 20),
    help: values.help === true,
  };
}

/** @param {string} name @param {string} text @param {number} max */
function positive(name, text, max) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`--${name} must be a whole number from 1 to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

module.exports = { parseOptions, USAGE };
