import './tracing';
import 'reflect-metadata';
import { runService } from '@latchkey/service-runtime';
import { loadWorkerConfig } from './config';
import { createWorkerApp } from './worker.app';

void runService({
  name: 'worker',
  loadConfig: () => loadWorkerConfig(),
  createApp: createWorkerApp,
  httpPort: (config) => config.WORKER_PORT,
});
