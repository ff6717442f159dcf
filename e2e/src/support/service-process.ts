import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { waitFor } from '@latchkey/testing';
import { REPO_ROOT } from './run-state';

export type ServiceName = 'issuer' | 'verifier' | 'worker';

let launched = 0;
const running = new Set<ChildProcess>();
// A failed or timed-out test must not leave services behind: kill whatever is still running at exit.
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/** One service running as production runs it: `node apps/<name>/dist/main.js` with its environment. */
export class ServiceProcess {
  private exited: Promise<number | null>;

  private constructor(
    readonly name: ServiceName,
    readonly url: string,
    readonly logFile: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  }

  static async start(
    name: ServiceName,
    httpPort: number,
    env: Record<string, string | undefined>,
  ): Promise<ServiceProcess> {
    const runId = process.env.LATCHKEY_TEST_RUN_ID ?? 'adhoc';
    const dir = resolve(REPO_ROOT, '.local/test-logs', runId);
    mkdirSync(dir, { recursive: true });
    const logFile = resolve(dir, `${name}-${++launched}.log`);
    const log = createWriteStream(logFile);
    const child = spawn(process.execPath, [resolve(REPO_ROOT, `apps/${name}/dist/main.js`)], {
      cwd: REPO_ROOT,
      env: { ...env, LOG_LEVEL: env.LOG_LEVEL ?? 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    child.once('exit', () => running.delete(child));
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const service = new ServiceProcess(name, `http://127.0.0.1:${httpPort}`, logFile, child);
    let exitCode: number | null | undefined;
    void service.exited.then((code) => (exitCode = code));
    try {
      await waitFor(
        async () => {
          if (exitCode !== undefined) throw new Error(`${name} exited with ${exitCode}`);
          const res = await fetch(`${service.url}/ready`).catch(() => undefined);
          return res?.status === 200;
        },
        { timeoutMs: 45_000, intervalMs: 200, what: `${name} to become ready` },
      );
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`${(error as Error).message}\n--- ${logFile}\n${tail(logFile)}`);
    }
    return service;
  }

  /** The operating system's process id (for /proc and signals). */
  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Freezes the process (SIGSTOP) as a long GC pause or a stalled host would: sockets stay open. */
  pause(): void {
    this.child.kill('SIGSTOP');
  }

  /** Lets a paused process run again (SIGCONT). */
  resume(): void {
    this.child.kill('SIGCONT');
  }

  /** Resident set size in bytes, from /proc/<pid>/status (VmRSS). */
  rssBytes(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
    if (kb === undefined) throw new Error(`no VmRSS for ${this.name} (pid ${this.pid})`);
    return Number(kb) * 1024;
  }

  /** Graceful stop (SIGTERM): resolves with the exit code once the service has drained and exited. */
  async stop(timeoutMs = 30_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    // A paused process would not see the SIGTERM until resumed.
    this.child.kill('SIGCONT');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A crash: no chance to drain. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  logs(): string {
    return readFileSync(this.logFile, 'utf8');
  }
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
