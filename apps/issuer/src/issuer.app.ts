import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import {
  jsonBody,
  JsonLogger,
  logProcessWarnings,
  ProblemDetailsFilter,
  safeRequestText,
} from '@latchkey/service-runtime';
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
  // The edge: path and query, then the body, refused before routing when they hold unsafe text.
  app.use(safeRequestText());
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
  // The API reference: Swagger UI at /docs, the OpenAPI document at /docs/openapi.json.
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
