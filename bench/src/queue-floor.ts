import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cpuUsPerAnswer, type BenchRequest, type LoadResult } from './load.js';

const SERVER = fileURLToPath(new URL('./queue-floor-server.js', import.meta.url));

/** How long the bare server runs unloaded-by-work first: its own CPU per answer, and its warm-up. */
const CALIBRATION_SECONDS = 1;

/**
 * The queue floor of a latency: what a bare node:http server (queue-floor-server.ts) reads under
 * the same load when it spends on every answer the CPU the measured row spent, as a busy wait,
 * and sends the same JSON. A saturated server's latency at many open connections is mostly its
 * queue: each request waits for the answers ahead of it, so the percentiles follow the CPU an
 * answer costs on this machine. Against this floor, a row's p99 shows how much of it is the
 * server's own (collections, uneven answers) and how much the machine's queue at that cost.
 *
 * The bare server's own CPU per answer is measured first, unloaded by work, and the busy wait is
 * the rest, so its total per answer (shown in its row) is the measured row's.
 */
export async function queueFloor(
  body: string,
  targetUs: number,
  load: (url: string, requests: BenchRequest[], pid: number, seconds: number) => Promise<LoadResult>,
  seconds: number,
): Promise<LoadResult> {
  const child = spawn(process.execPath, [SERVER], { env: { ...process.env, FLOOR_BODY: body }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const pid = child.pid;
    if (pid === undefined) throw new Error('the queue floor server did not start');
    let listening = false;
    const gone = exited.then(() => {
      if (!listening) throw new Error('the queue floor server exited before listening');
      return [];
    });
    const [line] = (await Promise.race([once(createInterface({ input: child.stdout }), 'line'), gone])) as string[];
    listening = true;
    const port = Number(line);
    const url = `http://127.0.0.1:${port}`;
    const bare = await load(url, [{ method: 'GET', path: '/0' }], pid, CALIBRATION_SECONDS);
    const bareUs = cpuUsPerAnswer(bare) ?? 0;
    const waitUs = Math.max(0, targetUs - bareUs);
    return await load(url, [{ method: 'GET', path: `/${waitUs.toFixed(1)}` }], pid, seconds);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}
