import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The server package: its compiled entry points live in dist/, its start script in package.json. */
const SERVER_DIR = dirname(createRequire(import.meta.url).resolve('@escape-room/server/package.json'));
const DIST = join(SERVER_DIR, 'dist/');

/**
 * The memory budget of a server package's start script: its environment assignments (glibc's
 * malloc arenas) and node's options (the V8 heap), so the tests and the benchmark run the server
 * exactly as `pnpm start` does.
 */
function startScriptBudget(serverDir: string): { env: Record<string, string>; nodeOptions: string[] } {
  const manifest = JSON.parse(readFileSync(join(serverDir, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = manifest.scripts.start.split(/\s+/);
  const assignments = words.slice(0, words.indexOf('node')).map((word) => /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(word));
  const env: Record<string, string> = {};
  for (const match of assignments) if (match?.[1] !== undefined && match[2] !== undefined) env[match[1]] = match[2];
  return {
    env,
    nodeOptions: words.filter((word) => word.startsWith('--')),
  };
}

export interface RunningServer {
  url: string;
  child: ChildProcess;
  /** Every line the server logged so far. */
  logs: string[];
  /** Sends a signal and resolves with the exit code once the process has ended. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A port nobody listens on right now, picked by the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts the compiled server as a child process on a free port and resolves once it
 * listens. For the end-to-end tests and the benchmark: the real process, nothing in-process.
 * `nodeOptions` go to node itself (`--cpu-prof` is refused in NODE_OPTIONS). `heapBudget: false`
 * leaves out the start script's memory budget, for the benchmark's measure of what they cost; `serverDir`
 * runs another build of the server package (the benchmark's before/after runs); `launcher` is a
 * command node runs under, with its arguments (the benchmark's instruction counts run it under valgrind).
 */
export async function spawnServer(
  env: Record<string, string>,
  nodeOptions: string[] = [],
  { heapBudget = true, serverDir = SERVER_DIR, launcher = [] }: { heapBudget?: boolean; serverDir?: string; launcher?: string[] } = {},
): Promise<RunningServer> {
  const port = await freePort();
  const budget = heapBudget ? startScriptBudget(serverDir) : { env: {}, nodeOptions: [] };
  const command = launcher[0] ?? process.execPath;
  const prefix = launcher.length > 0 ? [...launcher.slice(1), process.execPath] : [];
  const child = spawnProcess(command, [...prefix, ...budget.nodeOptions, ...nodeOptions, join(serverDir, 'dist/main.js')], {
    env: { ...process.env, ...budget.env, HOST: '127.0.0.1', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  let buffered = '';
  const onData = (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    logs.push(...lines);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before listening:\n${logs.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`server did not start:\n${logs.join('\n')}`);
    const healthy = await fetch(`${url}/healthz`).then((response) => response.ok, () => false);
    if (healthy) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    url,
    child,
    logs,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs another compiled entry point (migrate.js) to completion. */
export function runEntryPoint(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawnProcess(process.execPath, [`${DIST}${script}`], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
