import { type INestApplication, ValidationPipe } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { SwaggerModule } from '@nestjs/swagger';
import {
  jsonBody,
  JsonLogger,
  logProcessWarnings,
  ProblemDetailsFilter,
  safeRequestText,
  sendProblem,
} from '@latchkey/service-runtime';
import { type IssuerConfig, issuerConfigWarnings } from './config';
import { consoleSettings, DEFAULT_CONSOLE_DIST } from './console/console-settings';
import { serveConsole } from './console/console-static';
import { InternalListener, isInternalPath } from './internal/internal-listener';
import { IssuerModule } from './issuer.module';
import { leakReportBody } from './leaks/leak-report-body';
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
  app.disable('x-powered-by');
  // The caller address of per-source rate limits: the TCP peer unless a trusted proxy says otherwise.
  app.set('trust proxy', config.TRUST_PROXY);
  // Security headers on every answer (no sniffing, no framing, HSTS, a same-origin CSP that Swagger UI
  // — served from this origin — lives with).
  app.use(helmet());
  // The edge: path and query, then the body, refused before routing when they hold unsafe text.
  app.use(safeRequestText());
  // Leak reports are signed over their exact bytes: read as bytes, authenticated, then parsed.
  app.use(leakReportBody(config.LEAK_REPORT_BODY_LIMIT));
  app.use(jsonBody(config.HTTP_BODY_LIMIT));
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
  if (docsEnabled(config)) {
    SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
  }
  return app;
}

/** The API reference is served unless NODE_ENV=production; ISSUER_DOCS_ENABLED decides either way. */
export function docsEnabled(config: Pick<IssuerConfig, 'ISSUER_DOCS_ENABLED' | 'NODE_ENV'>): boolean {
  return config.ISSUER_DOCS_ENABLED ?? config.NODE_ENV !== 'production';
}
