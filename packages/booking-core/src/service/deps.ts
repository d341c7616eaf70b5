import type { Clock } from '../domain/clock.js';
import type { HoldPolicy } from '../domain/hold-policy.js';
import type { Database } from '../db/orm.js';
import type { Outbox } from './outbox.js';

/** Which endpoints the server may call. */
export interface EndpointRules {
  /** Accept http:// endpoints, not only https://. */
  allowHttp: boolean;
  /** Accept endpoints on loopback, private and link-local addresses (tests, on-premise receivers). */
  allowPrivateNetworks: boolean;
  /** A host's addresses; DNS (dns.lookup) unless a test stands in for it. */
  resolve?: ((host: string) => Promise<string[]>) | undefined;
}

export const DEFAULT_ENDPOINT_RULES: EndpointRules = { allowHttp: false, allowPrivateNetworks: false };
export const DEFAULT_EVENT_RETENTION_DAYS = 90;

/** What every use case needs; passed in, never imported as a global. */
export interface ServiceDeps {
  db: Database;
  clock: Clock;
  policy: HoldPolicy;
  /** Defaults to DEFAULT_ENDPOINT_RULES. */
  endpoints?: EndpointRules | undefined;
  /** How long events are kept, in milliseconds; DEFAULT_EVENT_RETENTION_DAYS unless given. */
  eventRetentionMs?: number | undefined;
  /** Hears of committed events (the webhook dispatcher of this process). */
  outbox?: Outbox | undefined;
  /** Guest emails are owed only when this is set (SMTP is configured); its outbox hears of committed ones. */
  mail?: { outbox?: Outbox | undefined } | undefined;
  /** The base URL guests reach the server at, for the links in calendar files; DEFAULT_PUBLIC_URL unless given. */
  publicUrl?: string | undefined;
}

export const DEFAULT_PUBLIC_URL = 'http://localhost:3000';
