import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { transform } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_KEY } from './support/server.js';
import { useServer } from './support/use-server.js';

const run = promisify(execFile);
const SDK_DIR = fileURLToPath(new URL('../packages/sdk/', import.meta.url));
const CONSUMER_FIXTURE = fileURLToPath(new URL('./fixtures/sdk-consumer/', import.meta.url));
const RESULTS_DIR = fileURLToPath(new URL('../test-results/', import.meta.url));

const ctx = useServer();
let project: string;
let tarball: string;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'sdk-consumer-'));
  // pnpm pack rewrites workspace: and catalog: ranges, as a publish would.
  await run('pnpm', ['pack', '--pack-destination', project], { cwd: SDK_DIR });
  const packed = (await readdir(project)).find((name) => name.endsWith('.tgz'));
  if (!packed) throw new Error('pnpm pack produced no tarball');
  tarball = join(project, packed);
  await cp(CONSUMER_FIXTURE, project, { recursive: true });
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'sdk-consumer', private: true, type: 'module', dependencies: { '@escape-room/sdk': `file:${tarball}` } }),
  );
  const typescript = JSON.parse(await readFile(join(SDK_DIR, 'node_modules/typescript/package.json'), 'utf8')).version;
  const nodeTypes = JSON.parse(await readFile(join(SDK_DIR, 'node_modules/@types/node/package.json'), 'utf8')).version;
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `typescript@${typescript}`, `@types/node@${nodeTypes}`], {
    cwd: project,
  });
}, 300_000);

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe('the packed SDK, installed outside the workspace', () => {
  it('ships built ESM with types, a README and a license, and no workspace references', async () => {
    const installed = join(project, 'node_modules/@escape-room/sdk');
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'));
    expect(manifest.license).toBe('MIT');
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['@trpc/client', '@trpc/server', 'zod']);
    expect(JSON.stringify(manifest)).not.toMatch(/workspace:|catalog:/);
    const files = await readdir(installed);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'dist', 'package.json']));
    // Whatever the bundled files import must be the SDK's own dependencies: no workspace
    // package, nothing of the ORM, the HTTP host or the database driver.
    for (const file of ['dist/index.d.ts', 'dist/index.js']) {
      const text = await readFile(join(installed, file), 'utf8');
      const specifiers = new Set([...text.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]));
      for (const specifier of specifiers) expect(['zod', '@trpc/client', '@trpc/server'], `${file} imports ${specifier}`).toContain(specifier);
    }
  });

  it('type-checks a strict consumer with skipLibCheck off, including the negative checks', async () => {
    const result = await run('npx', ['tsc', '-p', '.'], { cwd: project }).catch((error: unknown) => error as { stdout: string });
    expect('stdout' in result ? result.stdout : '').toBe('');
  });

  it('runs that consumer against a live server', async () => {
    const { stdout } = await run(process.execPath, [join(project, 'dist/consumer.js')], {
      env: { ...process.env, API_URL: ctx.url, ADMIN_API_KEY: TEST_ADMIN_KEY },
    });
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({
      rooms: 10,
      freeIncludesRoom4: true,
      heldStatus: 'pending',
      conflict: 'SLOT_UNAVAILABLE:409',
      invalid: 'VALIDATION_ERROR:400:guest.name,guest.email',
      status: 'confirmed',
      missing: 'BOOKING_NOT_FOUND:404:',
      listed: [result.heldId],
      allCount: 1,
      unreachable: 'NETWORK_ERROR:0:',
      formIssues: ['guest.name', 'guest.email'],
    });
  });

  it('stays small: packed tarball and minified+gzipped code within budget', async () => {
    const packedBytes = (await stat(tarball)).size;
    const source = await readFile(join(project, 'node_modules/@escape-room/sdk/dist/index.js'), 'utf8');
    const minified = await transform(source, { minify: true, format: 'esm' });
    const gzippedBytes = gzipSync(minified.code).length;
    await mkdir(RESULTS_DIR, { recursive: true });
    await writeFile(join(RESULTS_DIR, 'sdk-size.json'), JSON.stringify({ packedBytes, minifiedBytes: minified.code.length, gzippedBytes }, null, 2));
    process.stdout.write(`SDK size: packed ${packedBytes} B, minified ${minified.code.length} B, min+gzip ${gzippedBytes} B\n`);
    expect(packedBytes).toBeLessThan(100_000);
    expect(gzippedBytes).toBeLessThan(8_000);
  });
});
