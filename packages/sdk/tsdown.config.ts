import { defineConfig } from 'tsdown';

// The contract's schemas and the router's type live in workspace packages that are never
// published, so both are bundled in: the code of the contract, and the types of both. The
// tsconfig's paths point those imports at their sources.
const workspace = /^@escape-room\//;

export default defineConfig({
  entry: ['src/index.ts'],
  format: 'esm',
  target: 'es2022',
  platform: 'neutral',
  dts: true,
  deps: {
    neverBundle: ['@trpc/client', '@trpc/server', 'zod', 'standardwebhooks'],
    alwaysBundle: workspace,
    onlyImport: ['@trpc/client', '@trpc/server', 'zod', 'standardwebhooks'],
  },
  sourcemap: true,
  clean: true,
  treeshake: true,
});
