import { execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, transform } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBookingClient, type verifyWebhook as VerifyWebhook } from '@escape-room/sdk';
import { fixedHours } from './support/http.js';
import { TEST_ADMIN_KEY } from './support/server.js';
import { useServer } from './support/use-server.js';

const run = promisify(execFile);
const SDK_DIR = fileURLToPath(new URL('../packages/sdk/', import.meta.url));
const CONSUMER_FIXTURE = fileURLToPath(new URL('./fixtures/sdk-consumer/', import.meta.url));
const RESULTS_DIR = fileURLToPath(new URL('../test-results/', import.meta.url));

const { holdBody } = fixedHours();
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
  // npm waits up to 5 minutes on a fetch by default, this hook's whole budget: a minute per try
  // (and its two retries) lets npm's own error, not the hook's timeout, say what went wrong.
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--fetch-timeout=60000', `typescript@${typescript}`, `@types/node@${nodeTypes}`], {
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
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['@trpc/client', '@trpc/server', 'standardwebhooks', 'zod']);
    expect(JSON.stringify(manifest)).not.toMatch(/workspace:|catalog:/);
    const files = await readdir(installed);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'dist', 'package.json']));
    // Whatever the bundled files import must be the SDK's own dependencies: no workspace
    // package, nothing of the ORM, the HTTP host or the database driver. The types leave out
    // standardwebhooks, whose own declarations name Node's Buffer: a browser app without
    // @types/node type-checks the SDK's.
    const allowed = { 'dist/index.d.ts': ['zod', '@trpc/client', '@trpc/server'], 'dist/index.js': ['zod', '@trpc/client', '@trpc/server', 'standardwebhooks'] };
    for (const [file, dependencies] of Object.entries(allowed)) {
      const text = await readFile(join(installed, file), 'utf8');
      const specifiers = new Set([...text.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]));
      for (const specifier of specifiers) expect(dependencies, `${file} imports ${specifier}`).toContain(specifier);
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
      history: ['booking.held', 'booking.confirmed'],
      webhooks: 0,
      unsigned: 'WebhookVerificationError:Missing webhook header(s): webhook-id, webhook-timestamp, webhook-signature',
    });
  });

  it('bundles verifyWebhook for a browser, with no Node built-in, and the bundle verifies a signed delivery', async () => {
    const bundle = await build({
      stdin: { contents: "export { verifyWebhook, WebhookVerificationError } from '@escape-room/sdk';", resolveDir: project },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    const code = bundle.outputFiles[0]?.text ?? '';
    expect(code).not.toMatch(/\brequire\(["']/);
    const file = join(project, 'browser-bundle.mjs');
    await writeFile(file, code);
    const { verifyWebhook } = (await import(pathToFileURL(file).href)) as { verifyWebhook: typeof VerifyWebhook };

    const client = createBookingClient({ baseUrl: ctx.url });
    const [event] = await client.bookings.events((await client.bookings.hold(holdBody(6, 30))).id);
    if (!event) throw new Error('a hold records its booking.held event');
    // Signed as the Standard Webhooks spec says, with node:crypto: an oracle independent of the library.
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const body = JSON.stringify(event);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${event.id}.${timestamp}.${body}`).digest('base64');
    const headers = new Headers({ 'webhook-id': event.id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` });
    expect(verifyWebhook(new TextEncoder().encode(body), headers, secret)).toEqual(event);
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
    // Most of it is the contract's schemas, shipped for client-side validation. Raised from 8 kB
    // when events and webhooks came: their schemas took it to 9.5 kB, verifyWebhook to 10.2 kB
    // (standardwebhooks is a dependency, left to the app's bundler and tree-shaken when unused).
    expect(gzippedBytes).toBeLessThan(11_000);
  });
});
