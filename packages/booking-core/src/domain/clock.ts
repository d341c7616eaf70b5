/**
 * The one source of "now" (epoch milliseconds), and of waiting. Tests inject a manual clock
 * and move it instead of sleeping.
 */
export interface Clock {
  now(): number;
  /** Resolves once `ms` have passed on this clock. */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A clock that only moves when told to: for exact boundary tests, and waits that take no time. */
export class ManualClock implements Clock {
  private sleepers: { until: number; wake: () => void }[] = [];
  private watchers: (() => void)[] = [];

  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  set(epochMs: number): void {
    this.current = epochMs;
    const due = this.sleepers.filter((sleeper) => sleeper.until <= epochMs);
    this.sleepers = this.sleepers.filter((sleeper) => sleeper.until > epochMs);
    for (const sleeper of due) sleeper.wake();
  }
  advance(ms: number): void {
    this.set(this.current + ms);
  }
  /** Resolves when the clock is moved `ms` past the current instant, never by itself. */
  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((wake) => {
      this.sleepers.push({ until: this.current + ms, wake });
      for (const watcher of this.watchers.splice(0)) watcher();
    });
  }
  /** Resolves once something is sleeping on this clock: the moment a test may move it. */
  sleeping(): Promise<void> {
    if (this.sleepers.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.watchers.push(resolve));
  }
}
