import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_SCHEDULE_SECONDS,
  DISABLE_AFTER_FAILING_MS,
  endpointAfter,
  nextStep,
  parseRetryAfter,
  schemeAllowed,
  type DeliveryPolicy,
} from './webhook-policy.js';

const T0 = Date.UTC(2030, 0, 31, 12);
const policy: DeliveryPolicy = { retryDelaysMs: DEFAULT_RETRY_SCHEDULE_SECONDS.map((s) => s * 1000), timeoutMs: 15_000 };
const answered = (statusCode: number | null, retryAfterMs: number | null = null) => ({ statusCode, retryAfterMs });

describe('the retry schedule', () => {
  it('tries ten times over about three days, then gives up', () => {
    const ats: number[] = [];
    let now = T0;
    for (let attempt = 1; ; attempt++) {
      const step = nextStep(policy, attempt, answered(500), now);
      if (step.status !== 'pending') {
        expect(step.status).toBe('failed');
        expect(attempt).toBe(10);
        break;
      }
      ats.push(step.at - now);
      now = step.at;
    }
    expect(ats).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000, 72_000_000, 86_400_000]);
    expect((now - T0) / 3_600_000).toBeCloseTo(75.6, 1);
  });

  it('ends a delivery at any 2xx, and at once on 410 Gone', () => {
    for (const code of [200, 201, 202, 204, 299]) expect(nextStep(policy, 1, answered(code), T0)).toEqual({ status: 'succeeded' });
    expect(nextStep(policy, 1, answered(410), T0)).toEqual({ status: 'failed' });
    for (const code of [null, 199, 300, 301, 400, 404, 429, 500, 503]) expect(nextStep(policy, 1, answered(code), T0).status).toBe('pending');
  });

  it('waits as long as Retry-After asks, but never beyond the longest delay of the schedule', () => {
    expect(nextStep(policy, 1, answered(503, 120_000), T0)).toEqual({ status: 'pending', at: T0 + 120_000 });
    expect(nextStep(policy, 1, answered(429, 1_000), T0)).toEqual({ status: 'pending', at: T0 + 5_000 });
    expect(nextStep(policy, 1, answered(503, 30 * 86_400_000), T0)).toEqual({ status: 'pending', at: T0 + 86_400_000 });
  });

  it('with an empty schedule, tries once', () => {
    expect(nextStep({ ...policy, retryDelaysMs: [] }, 1, answered(500), T0)).toEqual({ status: 'failed' });
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, and ignores anything else', () => {
    expect(parseRetryAfter('120', T0)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', T0)).toBe(0);
    expect(parseRetryAfter(new Date(T0 + 90_000).toUTCString(), T0)).toBe(90_000);
    expect(parseRetryAfter(new Date(T0 - 90_000).toUTCString(), T0)).toBe(0);
    expect(parseRetryAfter(undefined, T0)).toBeNull();
    expect(parseRetryAfter('soon', T0)).toBeNull();
    expect(parseRetryAfter('-5', T0)).toBeNull();
  });
});

describe("an endpoint's failing streak", () => {
  it('starts at the first failure, survives further ones, and ends at a success', () => {
    expect(endpointAfter(null, answered(500), T0)).toEqual({ failingSince: T0, disable: null });
    expect(endpointAfter(T0, answered(null), T0 + 1000)).toEqual({ failingSince: T0, disable: null });
    expect(endpointAfter(T0, answered(204), T0 + 1000)).toEqual({ failingSince: null, disable: null });
  });

  it('disables the endpoint after five days of failures, not a millisecond before', () => {
    expect(endpointAfter(T0, answered(500), T0 + DISABLE_AFTER_FAILING_MS - 1).disable).toBeNull();
    expect(endpointAfter(T0, answered(500), T0 + DISABLE_AFTER_FAILING_MS).disable).toBe('failing');
    expect(DISABLE_AFTER_FAILING_MS).toBe(5 * 86_400_000);
  });

  it('disables it at once on 410 Gone', () => {
    expect(endpointAfter(null, answered(410), T0)).toEqual({ failingSince: T0, disable: 'gone' });
  });
});

describe('which schemes an endpoint may use', () => {
  it('takes https always, and http only where allowed', () => {
    expect(schemeAllowed(new URL('https://hooks.example.com'), false)).toBe(true);
    expect(schemeAllowed(new URL('http://hooks.example.com'), false)).toBe(false);
    expect(schemeAllowed(new URL('http://hooks.example.com'), true)).toBe(true);
    expect(schemeAllowed(new URL('ftp://hooks.example.com'), true)).toBe(false);
  });
});
