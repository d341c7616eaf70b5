/**
 * Resolves once `condition` holds, checking every `intervalMs`; fails after `timeoutMs`
 * naming what it waited for. For waiting on something observable, never on time itself.
 */
export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 15_000, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
