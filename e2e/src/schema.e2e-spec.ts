import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { REPO_ROOT } from './support/run-state';

describe('database schema', () => {
  it('is exactly what the migrations produce (no migration missing)', () => {
    const result = spawnSync(process.execPath, [resolve(REPO_ROOT, 'apps/issuer/dist/cli/check-schema.js')], {
      env: process.env,
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
