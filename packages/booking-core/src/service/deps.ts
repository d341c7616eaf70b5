import type { Clock } from '../domain/clock.js';
import type { HoldPolicy } from '../domain/hold-policy.js';
import type { Database } from '../db/orm.js';

/** What every use case needs; passed in, never imported as a global. */
export interface ServiceDeps {
  db: Database;
  clock: Clock;
  policy: HoldPolicy;
}
