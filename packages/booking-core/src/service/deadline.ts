/**
 * Runs `work` with a signal that fires after `ms`, or when `cancel` fires, whichever is first; its
 * timer and its listener on `cancel` go as soon as `work` settles.
 *
 * Not `AbortSignal.any([AbortSignal.timeout(ms), cancel])`: a timeout signal keeps its timer until
 * it fires, and each combined signal stays tied to the long-lived `cancel`. At a few thousand
 * webhook attempts a second under the default 15-second timeout, tens of thousands of each were alive at
 * once (a heap snapshot of the delivery benchmark: timers, signals and their weak references).
 */
export async function withDeadline<T>(ms: number, cancel: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
  const onCancel = () => deadline.abort(cancel?.reason);
  if (cancel?.aborted) onCancel();
  else cancel?.addEventListener('abort', onCancel, { once: true });
  try {
    return await work(deadline.signal);
  } finally {
    clearTimeout(timer);
    cancel?.removeEventListener('abort', onCancel);
  }
}
