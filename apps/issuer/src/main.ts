import './tracing';
import 'reflect-metadata';
import { runService } from '@latchkey/service-runtime';
import { loadIssuerConfig } from './config';
import { createIssuerApp } from './issuer.app';

void runService({
  name: 'issuer',
  loadConfig: () => loadIssuerConfig(),
  createApp: createIssuerApp,
  httpPort: (config) => config.ISSUER_PORT,
});
