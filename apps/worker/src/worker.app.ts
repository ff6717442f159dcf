import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JsonLogger, logProcessWarnings, ProblemDetailsFilter } from '@latchkey/service-runtime';
import type { WorkerConfig } from './config';
import { WorkerModule } from './worker.module';

/** Builds the worker (not yet listening): used by main.ts and by the end-to-end tests. */
export async function createWorkerApp(config: WorkerConfig): Promise<INestApplication> {
  const logger = new JsonLogger('worker', config.LOG_LEVEL);
  logProcessWarnings(logger);
  const app = await NestFactory.create(WorkerModule.forRoot(config), { logger });
  app.useGlobalFilters(new ProblemDetailsFilter());
  return app;
}
