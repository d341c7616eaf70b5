import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withDeadline } from './deadline.js';

// An attempt's deadline: it fires on time or on shutdown, and nothing of it outlives the attempt.

describe('withDeadline', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** Work that ends only when its signal fires, with the signal's reason. */
  const untilAborted = (signal: AbortSignal) =>
    new Promise<unknown>((resolve) => (signal.aborted ? resolve(signal.reason) : signal.addEventListener('abort', () => resolve(signal.reason))));

  it('fires after its time with a TimeoutError, and not a millisecond before', async () => {
    let settled = false;
    const outcome = withDeadline(10_000, undefined, untilAborted).finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toMatchObject({ name: 'TimeoutError' });
  });

  it('fires at once with the reason of a cancel that fires first, or has fired already', async () => {
    const shutdown = new AbortController();
    const outcome = withDeadline(10_000, shutdown.signal, untilAborted);
    shutdown.abort(new Error('the server is shutting down'));
    expect(await outcome).toMatchObject({ message: 'the server is shutting down' });
    expect(await withDeadline(10_000, shutdown.signal, untilAborted)).toMatchObject({ message: 'the server is shutting down' });
  });

  it('keeps no timer and no listener on the long-lived cancel once the work settles', async () => {
    const shutdown = new AbortController();
    for (let i = 0; i < 1_000; i++) expect(await withDeadline(10_000, shutdown.signal, async () => i)).toBe(i);
    await expect(withDeadline(10_000, shutdown.signal, () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
  });
});
