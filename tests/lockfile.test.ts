import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

// A contributor on macOS, Windows or Alpine installs from the same lockfile with
// --frozen-lockfile: every platform's native build of the tools must be in it, not only the
// one of the machine that last wrote it (pnpm-workspace.yaml's supportedArchitectures).
const LOCKFILE = new URL('../pnpm-lock.yaml', import.meta.url);

const NATIVE_BUILDS: Record<string, string[]> = {
  turbo: ['@turbo/darwin-64', '@turbo/darwin-arm64', '@turbo/linux-64', '@turbo/linux-arm64', '@turbo/windows-64', '@turbo/windows-arm64'],
  // The bundler of vite (vitest) and of tsdown (the SDK's build); tsup's rollup went with tsup.
  rolldown: [
    '@rolldown/binding-darwin-x64',
    '@rolldown/binding-darwin-arm64',
    '@rolldown/binding-linux-x64-gnu',
    '@rolldown/binding-linux-x64-musl',
    '@rolldown/binding-linux-arm64-gnu',
    '@rolldown/binding-linux-arm64-musl',
    '@rolldown/binding-win32-x64-msvc',
    '@rolldown/binding-win32-arm64-msvc',
  ],
  esbuild: ['@esbuild/darwin-x64', '@esbuild/darwin-arm64', '@esbuild/linux-x64', '@esbuild/linux-arm64', '@esbuild/win32-x64', '@esbuild/win32-arm64'],
};

/** Every `name@version` the packages section resolves. */
async function resolvedPackages(): Promise<{ name: string; version: string }[]> {
  const lockfile = await readFile(LOCKFILE, 'utf8');
  const packages = lockfile.slice(lockfile.indexOf('\npackages:'), lockfile.indexOf('\nsnapshots:'));
  // The packages section lists every resolved package once, as `  'name@version':`.
  return [...packages.matchAll(/^ {2}'?(@[^@\s']+\/[^@\s']+|[^@\s']+)@([^\s'(]+)'?:$/gm)].map(([, name, version]) => ({ name: name!, version: version! }));
}

describe('pnpm-lock.yaml', () => {
  // Two copies of a driver mean the types the hot paths compile against are not those of the
  // driver that runs, and the ORM's packages must agree on one version.
  it.each(['pg', 'better-sqlite3', 'kysely', '@mikro-orm/core', '@mikro-orm/sql', '@mikro-orm/sqlite', '@mikro-orm/postgresql', '@mikro-orm/migrations'])(
    'resolves one version of %s',
    async (driver) => {
      const versions = (await resolvedPackages()).filter((p) => p.name === driver).map((p) => p.version);
      expect(versions).toHaveLength(1);
    },
  );

  it.each(Object.entries(NATIVE_BUILDS))('resolves %s for macOS, Windows and Linux (glibc and musl)', async (_tool, packages) => {
    const resolved = new Set((await resolvedPackages()).map((p) => p.name));
    expect(packages.filter((name) => !resolved.has(name))).toEqual([]);
  });
});
