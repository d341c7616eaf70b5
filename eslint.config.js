// @ts-check
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    // tests/fixtures: the SDK consumer is type-checked in its own project against the packed SDK,
    // and the upgrade fixtures are frozen copies of an old release.
    ignores: ['**/dist/**', '**/node_modules/**', 'test-results/**', 'coverage/**', 'tests/fixtures/**'],
  },
  {
    files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.{ts,tsx}', 'apps/web/vite.config.ts', 'tests/**/*.ts', 'bench/src/**/*.ts'],
    extends: [eslint.configs.recommended, tseslint.configs.strictTypeChecked, tseslint.configs.stylisticTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      // Counts, ports and milliseconds are interpolated all over messages and SQL; they print fine.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `async` without `await` is how a sync body meets a Promise-returning interface (migrations, SQL on
      // better-sqlite3, Fastify hooks) with its throws turned into rejections; dropping it would change that.
      '@typescript-eslint/require-await': 'off',
      // `() => resolve()` and Fastify's `return done()` hand a void call back from a void callback: idioms, not confusion.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true }],
    },
  },
  {
    // The guest page: the rules of hooks, and the React Compiler's checks that come with them.
    files: ['apps/web/src/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat['recommended-latest']],
    rules: {
      // The page talks to the API as any customer would: through the published SDK only.
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@escape-room/*', '!@escape-room/sdk'], message: 'apps/web imports the API only through @escape-room/sdk' }] },
      ],
    },
  },
  {
    // The receiver moved from tests/support to test-utils; its requests carry the same untyped JSON.
    files: ['tests/**/*.ts', '**/*.test.ts', 'packages/test-utils/src/receiver.ts'],
    rules: {
      // Tests read JSON from the wire (tests/support/http.ts) untyped on purpose and let expect() and its
      // matchers (typed `any`) judge its shape; typing every response would restate the contract in each test.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Tests index results they have just asserted the length of; a wrong guess fails the test either way.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
