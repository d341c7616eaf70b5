import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOKING_STATUSES, type BookingStatus } from '../contract/bookings.js';
import { blocksSlot, effectiveStatus } from '../domain/status.js';
import { freshDatabase } from '../test-support.js';
import { testDrivers } from '@escape-room/test-utils/databases';
import * as bookingSql from './booking-sql.js';
import { driverOf, type Database } from './orm.js';
import { sqlRunner, type Sql, type SqlValue } from './sql.js';

// The lapsed-hold rule is written once in TypeScript (domain/status.ts) and once in SQL
// (booking-sql.ts), and the database guards installed by the migrations judge it too. The same
// (status, expires_at, now) cases go through all three here, on both drivers: they must agree.
const EXPIRY = Date.UTC(2030, 0, 1, 12);
const CASES: { status: BookingStatus; expiresAt: number | null; now: number }[] = [
  { status: 'pending', expiresAt: EXPIRY, now: EXPIRY - 60_000 },
  { status: 'pending', expiresAt: EXPIRY, now: EXPIRY - 1 },
  { status: 'pending', expiresAt: EXPIRY, now: EXPIRY },
  { status: 'pending', expiresAt: EXPIRY, now: EXPIRY + 1 },
  { status: 'confirmed', expiresAt: null, now: EXPIRY },
  { status: 'released', expiresAt: null, now: EXPIRY - 1 },
  { status: 'expired', expiresAt: null, now: EXPIRY - 1 },
  { status: 'cancelled', expiresAt: null, now: EXPIRY - 1 },
];
const HOUR = 3_600_000;

describe.each(testDrivers())('the booking rule on %s', (driver) => {
  let db: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => ({ db, dispose } = await freshDatabase(driver)));
  afterAll(() => dispose());

  const sql = () => sqlRunner(db);
  /** The hold's check of a slot on a room, for a guest's address key: the overlapping rows it returns, and the guest's live holds. */
  const holdCheck = async (runner: Sql, roomId: number, slot: { start: number; end: number }, emailKey: string, now: number) => {
    const rows = await runner.all<bookingSql.HoldCheckRow>(bookingSql.holdCheck(roomId, slot, emailKey, now));
    const overlapping = rows.flatMap((r) => (r.id === null ? [] : [{ id: r.id, lapsed: Boolean(r.lapsed) }]));
    return { overlapping, liveHolds: Number(rows[0]?.live_holds) };
  };
  const matches = async (id: string, predicate: string, param: SqlValue) =>
    (await sql().all({ text: `select id from booking where id = ? and ${predicate}`, params: [id, param] })).length === 1;

  it('checks a hold without walking the pending index (every live or lapsed hold of the venue)', async () => {
    // The planners chose it whenever its statistics said it was small, however many holds it held.
    const { text, params } = bookingSql.holdCheck(1, { start: EXPIRY, end: EXPIRY + HOUR }, 'nobody@x.test', EXPIRY);
    const explain = driverOf(db) === 'sqlite' ? 'explain query plan' : 'explain';
    const plan = JSON.stringify(await db.em.fork().getConnection().execute(`${explain} ${text}`, [...params]));
    expect(plan).toContain('booking_guest_idx');
    expect(plan).not.toContain('booking_pending_expiry_idx');
  });

  describe.each(CASES.map((c, i) => ({ ...c, i })))('$status, expiring at +$expiresAt, seen at $now', ({ status, expiresAt, now, i }) => {
    // Each case has its own room and day, so no case's guard meets another's booking.
    const roomId = 1 + (i % 10);
    const slot = { start: Date.UTC(2031, 0, 1 + i, 10), end: Date.UTC(2031, 0, 1 + i, 10) + HOUR };
    const id = `bk_case_${i}`;
    const state = { status, expiresAt, startAt: slot.start, endAt: slot.end };

    beforeAll(async () => {
      await sql().run({ text: `insert into guest (id, email, email_key, name, created_at) values (?, ?, ?, 'Case', 0) on conflict do nothing`, params: [100 + i, `c${i}@x.test`, `c${i}@x.test`] });
      const stored = expiresAt === null ? EXPIRY - 2 * HOUR : expiresAt - 300_000; // written while live, if a hold
      await sql().run({
        text: `insert into booking (id, room_id, guest_id, status, start_at, end_at, created_at, updated_at, expires_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        params: [id, roomId, 100 + i, status, slot.start, slot.end, stored, stored, expiresAt],
      });
    });

    it('reads as the same status through the domain and the SQL filters', async () => {
      const expected = effectiveStatus(state, now);
      for (const candidate of BOOKING_STATUSES) {
        const read = await matches(id, bookingSql.predicates.readsAs[candidate], bookingSql.predicates.readsAsParam(candidate, now));
        expect(read, `reads as ${candidate}`).toBe(candidate === expected);
      }
    });

    it('blocks its slot through the domain, the SQL and the availability query alike', async () => {
      const blocks = blocksSlot(state, now);
      expect(await matches(id, bookingSql.predicates.blocking, now)).toBe(blocks);
      const checked = await holdCheck(sql(), roomId, slot, `c${i}@x.test`, now);
      expect(checked.overlapping.some((r) => r.id === id && !r.lapsed), 'blocking in the hold check').toBe(blocks);
      const free = await sql().all<{ id: number }>(bookingSql.availableRooms(slot, now));
      expect(free.some((room) => room.id === roomId)).toBe(!blocks);
    });

    it('counts as its guest’s live hold, and is offered to the hold as lapsed, as the domain says', async () => {
      const { overlapping, liveHolds } = await holdCheck(sql(), roomId, slot, `c${i}@x.test`, now);
      expect(liveHolds).toBe(status === 'pending' && effectiveStatus(state, now) === 'pending' ? 1 : 0);
      const lapsed = status === 'pending' && effectiveStatus(state, now) === 'expired';
      expect(overlapping.some((r) => r.id === id && r.lapsed)).toBe(lapsed);
      // Neither lapsed nor blocking: the hold has nothing to do with it.
      expect(overlapping.some((r) => r.id === id)).toBe(lapsed || blocksSlot(state, now));
    });

    it('is refused a rival by the database guard exactly when it blocks', async () => {
      const blocks = blocksSlot(state, now);
      const rival = { id: `bk_rival_${i}`, roomId, guestId: 100 + i, status: 'confirmed' as const, startAt: slot.start + HOUR / 2, endAt: slot.end, createdAt: now, expiresAt: null, players: 1, bufferMs: 0, totalCents: 0, currency: 'EUR', reference: `RIVAL00${i}` };
      // PostgreSQL's constraint judges stored statuses: a hold clears lapsed rows first, as here.
      // SQLite's trigger judges the clock itself, at the writer's created_at.
      const outcome = await sql()
        .transaction(async (tx) => {
          if (driverOf(db) === 'postgresql') {
            const { overlapping } = await holdCheck(tx, roomId, slot, `c${i}@x.test`, now);
            for (const lapsed of overlapping.filter((r) => r.lapsed)) await tx.run(bookingSql.expireIfLapsed(lapsed.id, now));
          }
          await tx.run(bookingSql.insertBooking(rival));
          throw new Error('roll back'); // leave the case as it was for the other checks
        })
        .catch((error: unknown) => (bookingSql.isOverlapViolation(error) ? 'refused' : (error as Error).message));
      expect(outcome).toBe(blocks ? 'refused' : 'roll back');
    });

    it('is persisted as expired by the sweep exactly when it has lapsed', async () => {
      const lapsed = status === 'pending' && effectiveStatus(state, now) === 'expired';
      const changed = await sql().transaction(async (tx) => {
        const batch = await tx.all<{ id: string }>(bookingSql.lapsedHolds(now, 1000));
        expect(batch.some((row) => row.id === id), 'in the sweep batch').toBe(lapsed);
        const count = await tx.run(bookingSql.expireIfLapsed(id, now));
        throw Object.assign(new Error('roll back'), { count });
      }).catch((error: unknown) => (error as { count?: number }).count);
      expect(changed).toBe(lapsed ? 1 : 0);
    });
  });
});
