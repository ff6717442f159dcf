import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { PackageDefinition } from '@grpc/proto-loader';
import { type GrpcOptions, Transport } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { VERIFIER_PROTO_PACKAGE, VERIFIER_PROTO_PATH } from '@latchkey/contracts';
import { jsonBody, JsonLogger, logProcessWarnings, ProblemDetailsFilter } from '@latchkey/service-runtime';
import type { VerifierConfig } from './config';
import { addStandardGrpcServices, GrpcHealth } from './grpc/grpc-standard-services';
import { VerifierModule } from './verifier.module';

/** Verify requests are one short string; anything bigger is refused before parsing (413). */
export const JSON_BODY_LIMIT = '16kb';

/**
 * Builds and initialises the verifier (HTTP + gRPC on config.VERIFIER_GRPC_URL). Module init has run
 * (the usage recorder has tried to create the Kafka topics) when this resolves; `runService` (main.ts)
 * then starts gRPC and HTTP, and closes the app on SIGTERM.
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
  const grpcHealth = app.get(GrpcHealth);
  // After the global filter and pipe, so the gRPC side inherits them; its controller maps errors to gRPC statuses.
  app.connectMicroservice<GrpcOptions>(
    {
      transport: Transport.GRPC,
      options: {
        package: VERIFIER_PROTO_PACKAGE,
        protoPath: VERIFIER_PROTO_PATH,
        url: config.VERIFIER_GRPC_URL,
        gracefulShutdown: true,
        // grpc.health.v1.Health and server reflection beside TokenVerifier.
        onLoadPackageDefinition: (
          pkg: PackageDefinition,
          server: Parameters<typeof addStandardGrpcServices>[2],
        ) => addStandardGrpcServices(grpcHealth, pkg, server),
      },
    },
    { inheritAppConfig: true },
  );
  try {
    await app.init();
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}

/**
 * The HTTP edge: JSON bodies only, size-limited; a global filter answering problem+json; a global pipe
 * refusing unknown or mistyped fields. Needs an app created with `bodyParser: false`.
 */
export function configureHttp(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  app.use(jsonBody(JSON_BODY_LIMIT));
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
}
