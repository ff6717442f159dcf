import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError } from '@latchkey/service-runtime';
import { loadIssuerConfig } from './config';
import { createIssuerApp } from './issuer.app';

async function main(): Promise<void> {
  const config = loadIssuerConfig();
  const app = await createIssuerApp(config);
  // Exit 0 once drained instead of re-raising the signal.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen(config.ISSUER_PORT);
  new Logger('Issuer').log(`listening on :${config.ISSUER_PORT}`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`issuer: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(
    `issuer: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
