import './tracing';
import 'reflect-metadata';
import { runService } from '@latchkey/service-runtime';
import { loadVerifierConfig } from './config';
import { createVerifierApp } from './verifier.app';

void runService({
  name: 'verifier',
  loadConfig: () => loadVerifierConfig(process.env),
  createApp: createVerifierApp,
  httpPort: (config) => config.VERIFIER_HTTP_PORT,
  endpoints: (config) => ({ grpc: config.VERIFIER_GRPC_URL }),
});
