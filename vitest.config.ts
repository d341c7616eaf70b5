import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // booking-core's own tests take the temporary-database, SMTP, calendar and receiver helpers from
    // test-utils' source: a package dependency would be a cycle (see packages/booking-core/tsconfig.json).
    alias: Object.fromEntries(
      ['databases', 'smtp', 'calendar', 'receiver'].map((name) => [
        `@escape-room/test-utils/${name}`,
        fileURLToPath(new URL(`packages/test-utils/src/${name}.ts`, import.meta.url)),
      ]),
    ),
  },
  test: {
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'bench/src/**/*.test.ts'],
          globalSetup: ['tests/global-setup.ts'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/**/*.test.ts'],
          globalSetup: ['tests/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
