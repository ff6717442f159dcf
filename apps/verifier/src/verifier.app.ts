import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  jsonBody,
  JsonLogger,
  logProcessWarnings,
  ProblemDetailsFilter,
  safeRequestText,
} from '@latchkey/service-runtime';
import type { VerifierConfig } from './config';
import { VerifierModule } from './verifier.module';

/** Verify requests are one short string; anything bigger is refused before parsing (413). */
export const JSON_BODY_LIMIT = '16kb';

/**
 * Builds and initialises the verifier: gRPC is listening on config.VERIFIER_GRPC_URL (VerifierGrpcServer)
 * and module init has run (the usage recorder has tried to create the Kafka topics) when this resolves;
 * `runService` (main.ts) then starts HTTP, and closes the app on SIGTERM.
 */
export async function createVerifierApp(config: VerifierConfig): Promise<INestApplication> {
  const logger = new JsonLogger('verifier', config.LOG_LEVEL);
  logProcessWarnings(logger);
  const app = await NestFactory.create<NestExpressApplication>(VerifierModule.forRoot(config), {
    logger,
    bodyParser: false,
    abortOnError: false,
  });
  configureHttp(app);
  // The caller address of the refusal limit: the TCP peer unless a trusted proxy says otherwise.
  app.set('trust proxy', config.TRUST_PROXY);
  // gRPC (TokenVerifier, health, reflection) is VerifierGrpcServer's, bound once the app has bootstrapped.
  try {
    await app.init();
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}

/**
 * The HTTP edge: JSON bodies only, size- and depth-limited, uncompressed; no control characters or lone
 * surrogates in path, query or body; a global filter answering problem+json; a global pipe
 * refusing unknown or mistyped fields. Needs an app created with `bodyParser: false`.
 */
export function configureHttp(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  app.use(safeRequestText());
  app.use(jsonBody(JSON_BODY_LIMIT));
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
}
