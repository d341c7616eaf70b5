import { DEFAULT_VENUE, type UpdateVenueRequest, type Venue } from '../contract/venue.js';
import { currencyDecimals, fromCents, isExactIn } from '../contract/money.js';
import { BookingError } from '../domain/errors.js';
import type { Database } from '../db/orm.js';
import { sqlRunner, type Sql } from '../db/sql.js';
import * as venueSql from '../db/venue-sql.js';
import type { ServiceDeps } from './deps.js';
import { parseTiers } from './serialize.js';
import { readCatalog } from './catalog.js';
import { inSqlTransaction } from './transaction.js';

/** The venue of venueSql.readVenue's rows; the defaults until any are stored. */
export const storedVenue = ([row]: readonly Venue[]): Venue => row ?? DEFAULT_VENUE;

/** The venue's settings; the defaults until any are stored. */
export async function readVenue(sql: Sql): Promise<Venue> {
  return storedVenue(await sql.all<Venue>(venueSql.readVenue()));
}

/** The venue of a row read with venueSql.VENUE_COLUMNS; the defaults until any are stored. */
export const joinedVenue = (row: venueSql.JoinedVenueRow): Venue => venueSql.joinedVenue(row) ?? DEFAULT_VENUE;

/**
 * The venue's settings for a guest's read, from the process's catalog. Transactions call
 * readVenue on their own connection instead: a version check there would cost the same one-row
 * read, and what a transaction reads must be its own snapshot.
 */
export const getVenue = async ({ db }: ServiceDeps): Promise<Venue> => ({ ...(await readCatalog(db)).venue });

const ROOM_PRICES = 'select id, price_cents, price_tiers from room';

/**
 * Changes any of the venue's settings. Prices are stored in hundredths, so a new currency keeps
 * every amount as it reads (12.50 stays 12.50); one with fewer decimals is refused while a room
 * has an amount it cannot express (JPY has no 12.50).
 */
export async function updateVenue({ db, clock }: ServiceDeps, request: UpdateVenueRequest): Promise<Venue> {
  return inSqlTransaction(db, async (sql) => {
    const venue = { ...(await readVenue(sql)), ...request };
    if (request.currency !== undefined && currencyDecimals(request.currency) < 2) {
      const rooms = await sql.all<{ id: number; price_cents: number; price_tiers: string }>({ text: ROOM_PRICES, params: [] });
      for (const room of rooms) {
        const amounts = [room.price_cents, ...parseTiers(room.price_tiers).map((t) => t.priceCents)];
        const inexact = amounts.map(fromCents).find((amount) => !isExactIn(amount, venue.currency));
        if (inexact !== undefined) {
          const message = `Room ${room.id} costs ${inexact}, which ${venue.currency} cannot express: change its prices first`;
          throw new BookingError('VALIDATION_ERROR', message, [{ path: 'currency', message }]);
        }
      }
    }
    await sql.run(venueSql.writeVenue(venue, clock.now()));
    return venue;
  });
}

/** Refuses an amount the venue's currency cannot express (JPY has no cents). */
export function assertExactIn(venue: Venue, amounts: { path: string; amount: number }[]): void {
  for (const { path, amount } of amounts) {
    if (!isExactIn(amount, venue.currency)) {
      const message = `${venue.currency} amounts have ${currencyDecimals(venue.currency)} decimals`;
      throw new BookingError('VALIDATION_ERROR', `${path}: ${message}`, [{ path, message }]);
    }
  }
}

/** A fresh install's first settings (data/venue.json) over the defaults; settings already stored are kept. */
export async function seedVenue(db: Database, seed: UpdateVenueRequest, now: number): Promise<void> {
  await sqlRunner(db).run(venueSql.insertVenueIfAbsent({ ...DEFAULT_VENUE, ...seed }, now));
}
