// @ts-check
/**
 * Two projects: `unit` (fast, no I/O, specs beside the code) and `e2e` (real Postgres, Redis and Kafka,
 * provided once per run by libs/testing's global setup). `npm test` runs both; see scripts/test.sh.
 */
const moduleNameMapper = {
  '^@latchkey/(callback-safety|callback-signing|contracts|messaging|service-runtime|testing|token-format)$':
    '<rootDir>/libs/$1/src/index.ts',
};

const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
};

const common = {
  rootDir: __dirname,
  moduleNameMapper,
  transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/apps/*/src/**/*.spec.ts', '<rootDir>/libs/*/src/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/e2e/src/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/e2e/src/support/global-setup.ts',
      globalTeardown: '<rootDir>/e2e/src/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/e2e/src/support/timeouts.ts'],
      slowTestThreshold: 30,
    },
  ],
};
