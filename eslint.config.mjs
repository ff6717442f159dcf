// @ts-check
import nx from '@nx/eslint-plugin';
import jest from 'eslint-plugin-jest';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.local/**',
      '.nx/**',
      'coverage/**',
      '**/*.js',
      '**/*.mjs',
      // Generated from the issuer's OpenAPI document (npm run console:client).
      'libs/client/src/admin/schema.ts',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // Apps are thin shells over libs; they never import each other.
            { sourceTag: 'scope:issuer', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:verifier', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:worker', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            {
              sourceTag: 'scope:e2e',
              onlyDependOnLibsWithTags: ['scope:issuer', 'scope:verifier', 'scope:worker', 'scope:shared'],
            },
            // Contracts depend on nothing of ours; libs never on test helpers; only e2e starts apps.
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
            {
              sourceTag: 'type:e2e',
              onlyDependOnLibsWithTags: ['type:app', 'type:lib', 'type:contracts', 'type:testing'],
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'e2e/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // A test that cannot fail is a defect: no focused tests, every test asserts, no assertion hidden in a branch.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
    plugins: { jest },
    languageOptions: { globals: jest.environments.globals.globals },
    rules: {
      'jest/no-focused-tests': 'error',
      'jest/no-conditional-expect': 'error',
      'jest/expect-expect': [
        'error',
        {
          // Jest's expect, our expect* helpers (expectNear, expectSentByLatchkey, ...), and supertest's
          // `.expect(status, body)` on a request built by `request(...)` or one of our request helpers.
          assertFunctionNames: [
            'expect',
            'expect*',
            'request.**.expect',
            'issuer.**.expect',
            'verify.expect',
            'verify.**.expect',
          ],
        },
      ],
    },
  },
  {
    // The issuer's architecture: services and use cases never see the ORM. TypeORM is imported only by
    // repositories, entities, migrations and the database wiring (and the operator CLI built on it).
    files: ['apps/issuer/src/**/*.ts'],
    ignores: [
      'apps/issuer/src/**/*.repository.ts',
      'apps/issuer/src/**/*.repository.medium.spec.ts',
      'apps/issuer/test/**',
      'apps/issuer/src/**/*.entity.ts',
      'apps/issuer/src/database/**',
      'apps/issuer/src/infrastructure/**',
      'apps/issuer/src/cli/**',
      'apps/issuer/src/issuer.module.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['typeorm', 'typeorm/*', '@nestjs/typeorm'],
              message:
                'Only repositories (*.repository.ts), entities, migrations and database/ may use TypeORM; go through a repository.',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
