// @ts-check
/**
 * Every process the benchmark starts goes through `startChild`, so that every one of them is ended on
 * exit, on an error and on Ctrl-C (SIGINT) or SIGTERM.
 */
const { spawn } = require('node:child_process');
const { createWriteStream } = require('node:fs');

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
/** @type {Array<() => Promise<void>>} */
const cleanups = [];

/**
 * @param {string} command
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, logFile?: string }} [options]
 *   with logFile, stdout and stderr go there; otherwise stdout stays readable and stderr is inherited
 */
function startChild(command, args, options = {}) {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', options.logFile ? 'pipe' : 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (options.logFile) {
    const log = createWriteStream(options.logFile, { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  }
  return child;
}

/** Resolves with the port a server prints as `READY <port>` on its first line. */
function waitForReadyLine(/** @type {import('node:child_process').ChildProcess} */ child, what) {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (/** @type {Buffer} */ chunk) => {
      buffered += chunk.toString();
      const match = /READY (\d+)/.exec(buffered);
      if (match) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code} before it was ready`)));
  });
}

/** Collects a child's whole stdout and resolves with it when the child exits 0. */
function outputOf(/** @type {import('node:child_process').ChildProcess} */ child, what) {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => (out += chunk.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${what} exited with ${code}`)),
    );
  });
}

/** Stops a child gracefully (SIGTERM), then at once after `graceMs`. */
function stopChild(/** @type {import('node:child_process').ChildProcess} */ child, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.kill('SIGTERM');
  });
}

/** Registers asynchronous clean-up (e.g. dropping the database), run after the children are stopped. */
function onCleanup(/** @type {() => Promise<void>} */ cleanup) {
  cleanups.push(cleanup);
}

/** @type {Promise<void> | undefined} */
let cleaning;
let interrupted = false;

/** True once SIGINT or SIGTERM arrived: a load process that fails then is no error to report. */
function wasInterrupted() {
  return interrupted;
}

/** Stops every child still running, then runs the registered clean-ups, once. */
function cleanUp() {
  cleaning ??= (async () => {
    await Promise.all([...children].map((child) => stopChild(child)));
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  })();
  return cleaning;
}

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    interrupted = true;
    process.stderr.write(`\nbench: ${signal}, stopping everything it started\n`);
    void cleanUp().finally(() => process.exit(130));
  });
}
// Last resort (e.g. an uncaught error): nothing may outlive the benchmark.
process.once('exit', () => children.forEach((child) => child.kill('SIGKILL')));

module.exports = { startChild, waitForReadyLine, outputOf, stopChild, onCleanup, cleanUp, wasInterrupted };
