// The delivery rules of webhooks, as pure functions: when to try again, and when to give up on
// an endpoint. Which addresses an endpoint may reach is service/endpoint-guard.ts's.

/** Delays before the 2nd, 3rd, … attempt, in seconds (the first goes at once): 5 s up to a day, ten attempts over about three days. */
export const DEFAULT_RETRY_SCHEDULE_SECONDS = [5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400] as const;

/** An endpoint that has failed every attempt for this long is disabled. */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 60 * 60 * 1000;

/** After a rotation the previous secret keeps signing for this long, so receivers can switch over. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** Whether a rotated-out secret, signing until `until`, still signs at `now`. */
export const previousSecretSigns = (until: number | null, now: number): boolean => until !== null && now < until;

/** How much of an endpoint's answer the delivery log keeps. */
export const RESPONSE_LOG_BYTES = 4096;

export interface DeliveryPolicy {
  /** Delays before each retry, in milliseconds; its length is the number of retries. */
  retryDelaysMs: readonly number[];
  /** How long one attempt may take, connection and answer included. */
  timeoutMs: number;
}

/** What one attempt came back with. */
export interface AttemptOutcome {
  /** null: no HTTP answer (refused address, timeout, connection error). */
  statusCode: number | null;
  /** The endpoint's Retry-After, as a delay in milliseconds from the attempt. */
  retryAfterMs: number | null;
}

export const isSuccess = (statusCode: number | null) => statusCode !== null && statusCode >= 200 && statusCode < 300;
/** 410 Gone: the receiver says the endpoint is no more. */
export const isGone = (statusCode: number | null) => statusCode === 410;

export type NextStep = { status: 'succeeded' } | { status: 'failed' } | { status: 'pending'; at: number };

/**
 * Where a delivery goes after its `attempt`-th attempt (1-based) at `now`: done, failed for
 * good, or tried again after the schedule's delay, or later if the endpoint asked for it.
 */
export function nextStep(policy: DeliveryPolicy, attempt: number, outcome: AttemptOutcome, now: number): NextStep {
  if (isSuccess(outcome.statusCode)) return { status: 'succeeded' };
  if (isGone(outcome.statusCode)) return { status: 'failed' };
  return retryStep(policy, attempt, now, Math.min(outcome.retryAfterMs ?? 0, maxRetryAfterMs(policy)));
}

/**
 * Where anything retried on a schedule (a webhook delivery, a guest email) goes after its
 * `attempt`-th attempt (1-based) failed at `now`: tried again after the schedule's delay, or
 * `atLeastMs` if that is longer, or failed for good once the schedule is spent.
 */
export function retryStep(policy: Pick<DeliveryPolicy, 'retryDelaysMs'>, attempt: number, now: number, atLeastMs = 0): { status: 'failed' } | { status: 'pending'; at: number } {
  const delay = policy.retryDelaysMs[attempt - 1];
  if (delay === undefined) return { status: 'failed' };
  return { status: 'pending', at: now + Math.max(delay, atLeastMs) };
}

/** A Retry-After longer than the longest delay of the schedule is held to it: a receiver cannot park a delivery for weeks. */
const maxRetryAfterMs = (policy: DeliveryPolicy) => Math.max(0, ...policy.retryDelaysMs);

/** Retry-After (RFC 9110): delay-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(header: string | undefined, now: number): number | null {
  if (header === undefined) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its day and month (Wed, 21 Oct 2015 07:28:00 GMT); bare numbers are not dates.
  const at = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** What an endpoint's record becomes after an attempt: when its failing streak began, and whether it is now disabled. */
export function endpointAfter(
  failingSince: number | null,
  outcome: AttemptOutcome,
  now: number,
): { failingSince: number | null; disable: 'gone' | 'failing' | null } {
  if (isSuccess(outcome.statusCode)) return { failingSince: null, disable: null };
  if (isGone(outcome.statusCode)) return { failingSince: failingSince ?? now, disable: 'gone' };
  const since = failingSince ?? now;
  return { failingSince: since, disable: now - since >= DISABLE_AFTER_FAILING_MS ? 'failing' : null };
}

/** The schemes an endpoint may use: https always, http only where the server allows it. */
export function schemeAllowed(url: URL, allowHttp: boolean): boolean {
  return url.protocol === 'https:' || (allowHttp && url.protocol === 'http:');
}
