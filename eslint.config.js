// @ts-check
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    // tests/fixtures: the SDK consumer is type-checked in its own project against the packed SDK,
    // and the upgrade fixtures are frozen copies of an old release.
    ignores: ['**/dist/**', '**/node_modules/**', 'test-results/**', 'coverage/**', 'tests/fixtures/**'],
  },
  {
    files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts', 'tests/**/*.ts', 'bench/src/**/*.ts'],
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
    },
  },
  {
    files: ['tests/**/*.ts'],
    rules: {
      // The end-to-end tests read JSON from the wire (tests/support/http.ts) untyped on purpose and
      // let expect() judge its shape; typing every response would restate the contract in each test.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
