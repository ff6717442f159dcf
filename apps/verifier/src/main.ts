import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError } from '@latchkey/service-runtime';
import { loadVerifierConfig, type VerifierConfig } from './config';
import { createVerifierApp } from './verifier.app';

async function main(): Promise<void> {
  let config: VerifierConfig;
  try {
    config = loadVerifierConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`verifier: ${error.message}\n`);
    process.exit(1);
  }
  const app = await createVerifierApp(config);
  // Exit 0 once drained (usage flushed, connections closed) instead of re-raising the signal.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.startAllMicroservices();
  await app.listen(config.VERIFIER_HTTP_PORT);
  new Logger('Main').log(`verifier listening: HTTP ${await app.getUrl()}, gRPC ${config.VERIFIER_GRPC_URL}`);
}

main().catch((error: unknown) => {
  new Logger('Main').error(error instanceof Error ? error : String(error));
  process.exit(1);
});
