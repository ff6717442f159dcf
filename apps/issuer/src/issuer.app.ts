import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { jsonBody, JsonLogger, logProcessWarnings, ProblemDetailsFilter } from '@latchkey/service-runtime';
import { consoleSettings, DEFAULT_CONSOLE_DIST } from './console/console-settings';
import { serveConsole } from './console/console-static';
import type { IssuerConfig } from './config';
import { IssuerModule } from './issuer.module';
import { buildOpenApiDocument } from './openapi';

/** Builds the issuer (not yet listening): used by main.ts and by the end-to-end tests. */
export async function createIssuerApp(config: IssuerConfig): Promise<INestApplication> {
  const logger = new JsonLogger('issuer', config.LOG_LEVEL);
  logProcessWarnings(logger);
  const app = await NestFactory.create<NestExpressApplication>(IssuerModule.forRoot(config), {
    logger,
    bodyParser: false,
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
