import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_ALPHABET, type BookingStatus } from '../contract/bookings.js';
import { freshDatabase } from '../test-support.js';
import { testDrivers } from '@escape-room/test-utils/databases';
import * as bookingSql from './booking-sql.js';
import type { Database } from './orm.js';
import { sqlRunner } from './sql.js';

// The reset buffer is the database's rule too, not only the service's: these rows are written
// behind the service's back, with raw SQL, and the guard (SQLite triggers, the PostgreSQL
// exclusion constraint) alone decides. A booking blocks [start_at, end_at + buffer_ms).

const MINUTE = 60_000;
const NOW = Date.UTC(2030, 0, 1, 9);
const at = (time: string) => Date.parse(`2030-06-03T${time}:00Z`);
const GUEST_ID = 500;

describe.each(testDrivers())('the buffer guard on %s', (driver) => {
  let db: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await freshDatabase(driver));
    await sqlRunner(db).run({
      text: `insert into guest (id, email, email_key, name, created_at) values (?, 'raw@example.com', 'raw@example.com', 'Raw', 0)`,
      params: [GUEST_ID],
    });
  });
  afterAll(() => dispose());

  let n = 0;
  /** Inserts a booking with raw SQL; 'refused' when the database guard says no. */
  async function insert(roomId: number, start: string, end: string, bufferMinutes: number, status: BookingStatus = 'confirmed'): Promise<string> {
    const id = `bk_raw_${++n}`;
    const expiresAt = status === 'pending' ? NOW + 5 * MINUTE : null;
    const reference = `RAW${Array.from({ length: 5 }, (_, k) => REFERENCE_ALPHABET[Math.floor(n / REFERENCE_ALPHABET.length ** k) % REFERENCE_ALPHABET.length]).join('')}`;
    return sqlRunner(db)
      .run(
        bookingSql.insertBooking({
          id,
          roomId,
          guestId: GUEST_ID,
          status,
          startAt: at(start),
          endAt: at(end),
          createdAt: NOW,
          expiresAt,
          players: 2,
          bufferMs: bufferMinutes * MINUTE,
          totalCents: 2000,
          currency: 'EUR',
          reference,
        }),
      )
      .then(
        () => id,
        (error: unknown) => {
          if (bookingSql.isOverlapViolation(error)) return 'refused';
          throw error;
        },
      );
  }

  beforeAll(async () => {
    // Room 1's 10:00 game, with a 15-minute reset: it blocks [10:00, 11:15).
    expect(await insert(1, '10:00', '11:00', 15)).toMatch(/^bk_raw_/);
  });

  it('refuses a booking that starts inside another’s reset, and accepts one right after it', async () => {
    expect(await insert(1, '11:00', '12:00', 0)).toBe('refused');
    expect(await insert(1, '11:14', '12:00', 0)).toBe('refused');
    expect(await insert(1, '11:14', '12:00', 0, 'pending')).toBe('refused');
    expect(await insert(1, '11:15', '12:15', 0)).toMatch(/^bk_raw_/);
  });

  it('refuses a booking whose own reset runs into the next booking, and accepts one whose reset ends as it starts', async () => {
    expect(await insert(1, '08:30', '09:50', 15)).toBe('refused');
    expect(await insert(1, '08:30', '09:46', 15, 'pending')).toBe('refused');
    expect(await insert(1, '08:30', '09:45', 15)).toMatch(/^bk_raw_/);
  });

  it('lets a booking that keeps nothing sit inside a reset, and refuses it once it comes back to life', async () => {
    const released = await insert(1, '11:00', '11:10', 0, 'released');
    expect(released).toMatch(/^bk_raw_/);
    expect(await insert(1, '11:05', '11:10', 0, 'cancelled')).toMatch(/^bk_raw_/);
    const revive = sqlRunner(db)
      .run({ text: `update booking set status = 'confirmed', updated_at = ? where id = ?`, params: [NOW, released] })
      .then(
        () => 'accepted',
        (error: unknown) => {
          if (bookingSql.isOverlapViolation(error)) return 'refused';
          throw error;
        },
      );
    expect(await revive).toBe('refused');
  });

  it('keeps each room’s resets to itself', async () => {
    expect(await insert(2, '11:00', '12:00', 0)).toMatch(/^bk_raw_/);
  });

  it('gives a reference from the alphabet to a row written by a release that knew none', async () => {
    await sqlRunner(db).run({
      text: `insert into booking (id, room_id, guest_id, status, start_at, end_at, created_at, updated_at, expires_at)
        values ('bk_old_writer', 3, ?, 'confirmed', ?, ?, ?, ?, null)`,
      params: [GUEST_ID, at('10:00'), at('11:00'), NOW, NOW],
    });
    const [row] = await sqlRunner(db).all<{ reference: string; buffer_ms: number | string; players: number }>({
      text: `select reference, buffer_ms, players from booking where id = 'bk_old_writer'`,
      params: [],
    });
    expect(row?.reference).toMatch(new RegExp(`^[${REFERENCE_ALPHABET}]{8}$`));
    expect(Number(row?.buffer_ms)).toBe(0);
    expect(row?.players).toBe(1);
  });
});
