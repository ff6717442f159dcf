import { resolve } from 'node:path';
// eslint-disable-next-line @nx/enforce-module-boundaries -- Jest loads global setup without moduleNameMapper
import type { ProvidedInfrastructure } from '../../../libs/testing/src/infrastructure';

export const REPO_ROOT = resolve(__dirname, '../../..');

/** Handed from global setup to global teardown (they run in the same process). */
export interface RunState {
  infrastructure: ProvidedInfrastructure;
  serverUrl: string;
  databaseName: string;
  runId: string;
}

export const RUN_STATE_KEY = '__latchkeyE2eRun';
