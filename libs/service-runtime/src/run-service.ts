import { type INestApplication, Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import { answerClientErrorsAsProblems } from './client-errors';
import { ConfigError } from './config';

export interface ServiceDefinition<C> {
  /** Names the service in start-up errors and in the "listening" line, e.g. `issuer`. */
  name: string;
  /** Reads and validates the environment; throws a ConfigError naming every bad variable. */
  loadConfig(): C;
  /** Builds the application, not yet listening (the e2e specs build it the same way). */
  createApp(config: C): Promise<INestApplication>;
  /** The HTTP port to listen on (health, readiness and the service's own routes); 0 picks a free one. */
  httpPort(config: C): number;
  /** What else the service listens on, for the "listening" line, e.g. `{ grpc: '0.0.0.0:50051' }`. */
  endpoints?(config: C): Record<string, string>;
}

/** What `runService` needs from the process; tests pass their own. */
export interface ServiceProcess {
  exit(code: number): void;
  writeError(text: string): void;
}

const nodeProcess: ServiceProcess = {
  exit: (code) => process.exit(code),
  writeError: (text) => process.stderr.write(text),
};

/**
 * Starts a service the same way in every app: validate the config (exit 1 naming what is wrong), build
 * the app, drain on SIGTERM/SIGINT and exit 0 once drained, start the app's microservices (gRPC) and
 * then HTTP. Resolves with the running app, or undefined when it could not start (the process exits 1).
 */
export async function runService<C>(
  definition: ServiceDefinition<C>,
  host: ServiceProcess = nodeProcess,
): Promise<INestApplication | undefined> {
  const { name } = definition;
  try {
    const config = definition.loadConfig();
    const app = await definition.createApp(config);
    // Exit 0 once drained (consumers stopped, usage flushed, connections closed) instead of re-raising.
    app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
    // Requests Node refuses before routing (a head over 16 KB, bad HTTP) get problem+json too.
    answerClientErrorsAsProblems(app.getHttpServer() as Server);
    await app.startAllMicroservices();
    await app.listen(definition.httpPort(config));
    const endpoints = { http: await app.getUrl(), ...definition.endpoints?.(config) };
    new Logger(name).log({ msg: `${name} listening`, ...endpoints });
    return app;
  } catch (error) {
    host.writeError(
      error instanceof ConfigError
        ? `${name}: ${error.message}\n`
        : `${name}: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    host.exit(1);
    return undefined;
  }
}
