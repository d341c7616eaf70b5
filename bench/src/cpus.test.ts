import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { pinLoad, pinServer } from './cpus.js';

const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill();
});

/** A node process that idles until killed. */
function idleNode(): number {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(child);
  if (child.pid === undefined) throw new Error('no pid');
  return child.pid;
}

/** What the kernel lets a thread run on. */
const allowed = (pid: number, tid = pid) =>
  readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8')
    .split('\n')
    .find((line) => line.startsWith('Cpus_allowed_list:'))
    ?.split(':')[1]
    ?.trim();
const threads = (pid: number) => readdirSync(`/proc/${pid}/task`).map(Number);
const everyCpu = `0-${cpus().length - 1}`;

describe('CPU pinning', () => {
  it('keeps every thread of the load generator on its CPUs, and refuses CPUs the machine lacks', () => {
    const pid = idleNode();
    expect(pinLoad(pid, '0')).toBe(true);
    expect(threads(pid).map((tid) => allowed(pid, tid))).toEqual(threads(pid).map(() => '0'));
    expect(pinLoad(pid, String(cpus().length))).toBe(false);
    expect(allowed(pid)).toBe('0');
  });

  it("keeps a server's main thread on its CPU and lets V8's helpers run anywhere, whatever its parent's CPUs were", () => {
    const pid = idleNode();
    pinLoad(pid, '0');
    expect(pinServer(pid, '1')).toBe(true);
    expect(allowed(pid)).toBe('1');
    const helpers = threads(pid).filter((tid) => tid !== pid);
    expect(helpers.length).toBeGreaterThan(0);
    for (const tid of helpers) expect(allowed(pid, tid)).toBe(everyCpu);
  });
});
