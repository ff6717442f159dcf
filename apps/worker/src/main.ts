import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError } from '@latchkey/service-runtime';
import { loadWorkerConfig } from './config';
import { createWorkerApp } from './worker.app';

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const app = await createWorkerApp(config);
  // Exit 0 once drained instead of re-raising the signal.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen(config.WORKER_PORT);
  new Logger('Worker').log(`listening on :${config.WORKER_PORT}`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`worker: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(
    `worker: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
