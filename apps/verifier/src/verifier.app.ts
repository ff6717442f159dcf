import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type Express, request as expressRequest } from 'express';
import type { IncomingMessage } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  jsonBody,
  JsonLogger,
  logProcessWarnings,
  ProblemDetailsFilter,
  safeRequestText,
} from '@latchkey/service-runtime';
import type { VerifierConfig } from './config';
import { VerifierMetrics } from './metrics/verifier-metrics';
import { VerificationService } from './verification/verification.service';
import { type CallerAddress, isVerifyRequest, VerifyHttpHandler } from './verification/verify-http';
import { VerifierModule } from './verifier.module';

/** Bodies of the other routes (the verifier has none that takes one) are refused over this (413). */
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
 * The HTTP edge: `POST /v1/verify` answered below Express by `VerifyHttpHandler` (the verifier's one hot
 * route: the framework pipeline cost it 70 % of its throughput), every other request through Express
 * with the same rules: JSON bodies only, size- and depth-limited, uncompressed; no control characters
 * or lone surrogates in path, query or body; a global filter answering problem+json; a global pipe
 * refusing unknown or mistyped fields. Needs an app created with `bodyParser: false`.
 */
export function configureHttp(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  app.use(safeRequestText());
  app.use(jsonBody(JSON_BODY_LIMIT));
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  answerVerifyBelowExpress(app);
}

/**
 * Makes the HTTP server's one request listener a dispatcher: `POST /v1/verify` to the lean handler,
 * everything else (health, readiness, metrics, the OpenAPI document, 404s) to Express as before. The
 * server stays Nest's own, so `listen`, the client-error answers and the drain on SIGTERM
 * (`app.close()` closes it) are unchanged.
 */
function answerVerifyBelowExpress(app: NestExpressApplication): void {
  const server = app.getHttpServer();
  const expressApp = app.getHttpAdapter().getInstance();
  const listeners = server.listeners('request');
  if (listeners.length !== 1 || listeners[0] !== expressApp) {
    throw new Error("the verifier expects Express to be the HTTP server's only request listener");
  }
  const handler = new VerifyHttpHandler(
    app.get(VerificationService),
    expressCallerAddress(expressApp),
    app.get(VerifierMetrics),
  );
  server.removeListener('request', expressApp);
  server.on('request', (request, response) => {
    if (isVerifyRequest(request)) handler.handle(request, response);
    else expressApp(request, response);
  });
}

/**
 * The caller address exactly as Express's `request.ip` computes it under the app's `trust proxy`
 * setting (TRUST_PROXY): the TCP peer, or the client a trusted proxy names in X-Forwarded-For.
 */
export function expressCallerAddress(expressApp: Express): CallerAddress {
  // Trusting no proxy (the default), Express answers the TCP peer: read it directly.
  if (expressApp.get('trust proxy') === false) {
    return (request: IncomingMessage) => request.socket.remoteAddress ?? 'unknown';
  }
  // The getter, called below with an explicit `this` shaped like the request Express would build.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const ip = Object.getOwnPropertyDescriptor(expressRequest, 'ip')?.get;
  if (ip === undefined) throw new Error('express.request has no ip getter');
  return (request: IncomingMessage) =>
    (ip.call({
      app: expressApp,
      headers: request.headers,
      socket: request.socket,
      connection: request.socket,
    }) as string | undefined) ??
    request.socket.remoteAddress ??
    'unknown';
}
