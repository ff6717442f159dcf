import request from 'supertest';
import { HttpVerifyClient, type Verdict, type VerifyNeeds } from '@latchkey/client';
import { freePort, signAdminJwt, type AdminClaims } from '@latchkey/testing';
import { ServiceProcess, type ServiceName } from './service-process';
import { VerifierGrpcClient } from './verifier-grpc-client';

let systems = 0;

/** What a caller's operation needs, beyond a valid token (POST /v1/verify body, gRPC request). */
export type { VerifyNeeds };

/** One verifier process of a system, with its own ports, instance id and gRPC client. */
export interface VerifierInstance {
  /** The current process (`restart` replaces it). */
  readonly process: ServiceProcess;
  /** Base URL of its HTTP listener. */
  readonly url: string;
  /** Its VERIFIER_INSTANCE_ID. */
  readonly instanceId: string;
  readonly grpc: VerifierGrpcClient;
  /** POST /v1/verify on this verifier. */
  verifyHttp(token: unknown, needs?: VerifyNeeds): request.Test;
  /** Stops it (gracefully) and starts it again on the same ports with the same environment. */
  restart(): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

export interface VerifierOptions {
  /** Environment overrides for this verifier only, on top of the system's. */
  env?: Record<string, string>;
}

export interface RunningSystem {
  /** The current process of each service: `restart` replaces it. */
  readonly issuer: ServiceProcess;
  readonly verifier: ServiceProcess;
  readonly worker: ServiceProcess;
  grpc: VerifierGrpcClient;
  /** Base URL of the issuer's internal API listener (`/internal/v1`, the worker's door). */
  issuerInternalUrl: string;
  /** Environment the services were started with (per-system consumer groups included). */
  env: Record<string, string | undefined>;
  /** An `Authorization` header value for an admin of the given tenant. */
  adminAuth(claims: AdminClaims): Promise<string>;
  /** POST /v1/verify on the verifier's HTTP twin. */
  verifyHttp(token: unknown): request.Test;
  /**
   * The verdict of POST /v1/verify through the client SDK's HttpVerifyClient (every token sent, no
   * retries): rejects with a VerifyError on anything but 200.
   */
  verify(token: string, needs?: VerifyNeeds): Promise<Verdict>;
  /**
   * Every verifier process of the system: the first is `verifier` (with `grpc`), then those started
   * with `verifiers` or `startVerifier`.
   */
  readonly verifiers: readonly VerifierInstance[];
  /** Starts one more verifier with the system's environment, its own ports and instance id. */
  startVerifier(options?: VerifierOptions): Promise<VerifierInstance>;
  /**
   * Starts one more issuer or worker: a replica with the system's environment and consumer groups (it
   * shares the outbox, the Kafka groups and the queues with the first), on ports of its own. Stopped by
   * `close`.
   */
  startReplica(name: 'issuer' | 'worker'): Promise<ServiceProcess>;
  /**
   * Stops one service (gracefully; at once if it was killed or has crashed) and starts it again on the
   * same port with the same environment and consumer groups; resolves with the new process once ready.
   */
  restart(name: ServiceName): Promise<ServiceProcess>;
  close(): Promise<void>;
}

export interface SystemOptions {
  /** Environment overrides for every service (e.g. shorter intervals). */
  env?: Record<string, string>;
  /** How many verifier processes to run (default 1), each with its own ports and instance id. */
  verifiers?: number;
}

/**
 * Starts issuer, verifier and worker as separate processes against the run's real Postgres, Redis and
 * Kafka, each system with its own consumer groups, and waits until every one reports ready.
 */
export async function startSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const n = ++systems;
  const runId = process.env.LATCHKEY_TEST_RUN_ID ?? 'adhoc';
  const [issuerPort, internalPort, verifierPort, grpcPort, workerPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const issuerInternalUrl = `http://127.0.0.1:${internalPort}`;
  const env: Record<string, string | undefined> = {
    ...process.env,
    USAGE_FLUSH_INTERVAL_MS: '300',
    OUTBOX_POLL_INTERVAL_MS: '100',
    // Every spec's requests come from one address and many tenants share a run: limits only where a
    // spec sets them (rate-limits.e2e-spec.ts).
    REDEEM_RATE_LIMIT: '100000/1m',
    ADMIN_API_RATE_LIMIT: '100000/1m',
    VERIFY_REFUSAL_RATE_LIMIT: '100000/1m',
    REVOKE_SELF_RATE_LIMIT: '100000/1m',
    ...options.env,
    ISSUER_PORT: String(issuerPort),
    ISSUER_PUBLIC_URL: `http://127.0.0.1:${issuerPort}`,
    CONSOLE_PUBLIC_URL: `http://127.0.0.1:${issuerPort}/console`,
    INTERNAL_PORT: String(internalPort),
    INTERNAL_HOST: '127.0.0.1',
    ISSUER_INTERNAL_URL: issuerInternalUrl,
    VERIFIER_HTTP_PORT: String(verifierPort),
    VERIFIER_GRPC_URL: `127.0.0.1:${grpcPort}`,
    VERIFIER_INSTANCE_ID: `verifier-${runId}-${n}`,
    WORKER_PORT: String(workerPort),
  };
  const ports: Record<ServiceName, number> = {
    issuer: issuerPort,
    verifier: verifierPort,
    worker: workerPort,
  };
  const serviceEnv: Record<ServiceName, Record<string, string | undefined>> = {
    issuer: {
      ...env,
      ISSUER_KAFKA_GROUP_ID: `issuer-${runId}-${n}`,
      ISSUER_AUDIT_KAFKA_GROUP_ID: `audit-${runId}-${n}`,
    },
    // The verifier connects as the read-only role the migrations create (trust authentication here).
    verifier: { ...env, DATABASE_URL: asVerifierRole(env.DATABASE_URL) },
    worker: { ...env, WORKER_KAFKA_GROUP_ID: `worker-${runId}-${n}` },
  };
  const start = (name: ServiceName) => ServiceProcess.start(name, ports[name], serviceEnv[name]);
  const started = await Promise.allSettled([start('issuer'), start('verifier'), start('worker')]);
  const failed = started.filter((result) => result.status === 'rejected');
  if (failed.length > 0) {
    // Leave nothing running: a live child keeps the test process (and the whole run) from exiting.
    const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    await Promise.all(running.map((service) => service.kill()));
    throw new Error(failed.map((result) => String(result.reason)).join('\n\n'));
  }
  const [issuer, verifier, worker] = started.map(
    (result) => (result as PromiseFulfilledResult<ServiceProcess>).value,
  );
  const services: Record<ServiceName, ServiceProcess> = { issuer, verifier, worker };
  const grpc = new VerifierGrpcClient(`127.0.0.1:${grpcPort}`);
  const http = new HttpVerifyClient({
    baseUrl: `http://127.0.0.1:${verifierPort}`,
    deadlineMs: 5_000,
    retry: { maxAttempts: 1 },
    checkFormat: false,
  });
  const secret = process.env.ADMIN_JWT_SECRET ?? '';
  const instance = (
    url: string,
    instanceId: string,
    verifierGrpc: VerifierGrpcClient,
    current: () => ServiceProcess,
    restart: () => Promise<ServiceProcess>,
  ): VerifierInstance => ({
    get process() {
      return current();
    },
    url,
    instanceId,
    grpc: verifierGrpc,
    verifyHttp: (token, needs = {}) =>
      request(url)
        .post('/v1/verify')
        .send({ token, ...needs }),
    restart,
    stop: async () => {
      await current().stop();
    },
  });
  const restartService = async (name: ServiceName) => {
    await services[name].stop();
    services[name] = await start(name);
    return services[name];
  };
  const verifiers: VerifierInstance[] = [
    instance(
      `http://127.0.0.1:${verifierPort}`,
      env.VERIFIER_INSTANCE_ID ?? '',
      grpc,
      () => services.verifier,
      () => restartService('verifier'),
    ),
  ];
  const startVerifier = async (verifierOptions: VerifierOptions = {}) => {
    const [httpPort, extraGrpcPort] = await Promise.all([freePort(), freePort()]);
    const instanceId = `verifier-${runId}-${n}-${verifiers.length + 1}`;
    const extraEnv = {
      ...serviceEnv.verifier,
      ...verifierOptions.env,
      VERIFIER_HTTP_PORT: String(httpPort),
      VERIFIER_GRPC_URL: `127.0.0.1:${extraGrpcPort}`,
      VERIFIER_INSTANCE_ID: instanceId,
    };
    let current = await ServiceProcess.start('verifier', httpPort, extraEnv);
    const extra = instance(
      `http://127.0.0.1:${httpPort}`,
      instanceId,
      new VerifierGrpcClient(`127.0.0.1:${extraGrpcPort}`),
      () => current,
      async () => {
        await current.stop();
        current = await ServiceProcess.start('verifier', httpPort, extraEnv);
        return current;
      },
    );
    verifiers.push(extra);
    return extra;
  };
  const replicas: ServiceProcess[] = [];
  const startReplica = async (name: 'issuer' | 'worker') => {
    const [httpPort, replicaInternalPort] = await Promise.all([freePort(), freePort()]);
    const replicaEnv =
      name === 'issuer'
        ? { ...serviceEnv.issuer, ISSUER_PORT: String(httpPort), INTERNAL_PORT: String(replicaInternalPort) }
        : { ...serviceEnv.worker, WORKER_PORT: String(httpPort) };
    const replica = await ServiceProcess.start(name, httpPort, replicaEnv);
    replicas.push(replica);
    return replica;
  };
  const close = async () => {
    verifiers.forEach((verifier) => verifier.grpc.close());
    http.close();
    await Promise.all([
      ...Object.values(services).map((service) => service.stop()),
      ...verifiers.slice(1).map((verifier) => verifier.stop()),
      ...replicas.map((replica) => replica.stop()),
    ]);
  };
  try {
    for (let k = 1; k < (options.verifiers ?? 1); k++) await startVerifier();
  } catch (error) {
    await close();
    throw error;
  }
  return {
    get issuer() {
      return services.issuer;
    },
    get verifier() {
      return services.verifier;
    },
    get worker() {
      return services.worker;
    },
    grpc,
    issuerInternalUrl,
    env,
    adminAuth: async (claims) => `Bearer ${await signAdminJwt(secret, claims)}`,
    verifyHttp: (token) => request(services.verifier.url).post('/v1/verify').send({ token }),
    verify: (token, needs) => http.verify(token, needs),
    verifiers,
    startVerifier,
    startReplica,
    restart: restartService,
    close,
  };
}

/** The database URL with the verifier's read-only role as its user. */
export function asVerifierRole(databaseUrl: string | undefined): string | undefined {
  if (databaseUrl === undefined) return undefined;
  const url = new URL(databaseUrl);
  url.username = 'latchkey_verifier';
  url.password = '';
  return url.href;
}
