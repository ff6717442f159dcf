import { type INestApplication, ValidationPipe } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import {
  jsonBody,
  JsonLogger,
  logProcessWarnings,
  ProblemDetailsFilter,
  sendProblem,
} from '@latchkey/service-runtime';
import { type IssuerConfig, issuerConfigWarnings } from './config';
import { consoleSettings, DEFAULT_CONSOLE_DIST } from './console/console-settings';
import { serveConsole } from './console/console-static';
import { InternalListener, isInternalPath } from './internal/internal-listener';
import { IssuerModule } from './issuer.module';
import { buildOpenApiDocument } from './openapi';

/** Builds the issuer (not yet listening): used by main.ts and by the end-to-end tests. */
export async function createIssuerApp(config: IssuerConfig): Promise<INestApplication> {
  const logger = new JsonLogger('issuer', config.LOG_LEVEL);
  logProcessWarnings(logger);
  for (const warning of issuerConfigWarnings(config)) logger.warn(warning, 'IssuerConfig');
  const app = await NestFactory.create<NestExpressApplication>(IssuerModule.forRoot(config), {
    logger,
    bodyParser: false,
  });
  // The internal API answers on its own listener only, and that listener serves nothing else.
  const internal = app.get(InternalListener);
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (internal.isInternal(request) === isInternalPath(request.path)) {
      next();
      return;
    }
    sendProblem(request, response, 404, 'ROUTE_NOT_FOUND', 'No such endpoint.');
  });
  app.use(jsonBody(config.HTTP_BODY_LIMIT));
  app.disable('x-powered-by');
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
    }),
  );
  // The console (apps/console), from the same origin: no CORS.
  serveConsole(app, config.CONSOLE_DIST_DIR ?? DEFAULT_CONSOLE_DIST, consoleSettings(config));
  // The API reference: Swagger UI at /docs, the OpenAPI document at /docs/openapi.json.
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
