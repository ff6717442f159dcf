// @ts-check
/**
 * Two projects: `unit` (fast, no I/O, specs beside the code) and `e2e` (real Postgres, Redis and Kafka,
 * provided once per run by libs/testing's global setup). `npm test` runs both; see scripts/test.sh.
 */
const moduleNameMapper = {
  '^@latchkey/client/nestjs$': '<rootDir>/libs/client/src/nestjs.ts',
  '^@latchkey/service-runtime/tracing$': '<rootDir>/libs/service-runtime/src/tracing.ts',
  '^@latchkey/(callback-safety|callback-signing|client|contracts|messaging|service-runtime|testing|token-format)$':
    '<rootDir>/libs/$1/src/index.ts',
};

const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
};

/**
 * What `--coverage` measures (`jest --selectProjects unit --coverage`): every source file, not only those
 * some unit spec happens to import, so a controller or guard no spec loads counts as 0 % instead of
 * leaving the figure. Top level, because that is where Jest looks for the files no test loaded.
 */
const collectCoverageFrom = [
  'apps/*/src/**/*.ts',
  'libs/*/src/**/*.ts',
  '!**/*.spec.ts',
  '!**/test/**',
  '!**/*.d.ts',
  '!**/migrations/**',
  '!**/main.ts',
  '!**/dist/**',
  // The console is tested by Vitest (apps/console).
  '!apps/console/**',
];

const common = {
  rootDir: __dirname,
  moduleNameMapper,
  transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};

/** @type {import('jest').Config} */
module.exports = {
  collectCoverageFrom,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/apps/*/src/**/*.spec.ts',
        '<rootDir>/libs/*/src/**/*.spec.ts',
        // The benchmark's own option parsing and table (the benchmark itself is `npm run bench`).
        '<rootDir>/bench/**/*.spec.js',
      ],
      testPathIgnorePatterns: ['/node_modules/', '\\.medium\\.spec\\.ts$'],
    },
    {
      // Repositories on real Postgres: one fresh migrated database per run, no other service.
      ...common,
      displayName: 'medium',
      testMatch: ['<rootDir>/apps/*/src/**/*.medium.spec.ts'],
      globalSetup: '<rootDir>/apps/issuer/test/medium-setup.ts',
      globalTeardown: '<rootDir>/apps/issuer/test/medium-teardown.ts',
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
