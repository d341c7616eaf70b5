import { DEFAULT_VENUE, type Room as RoomDto, type Schedule, type Venue } from '../contract/index.js';
import { formatInstant } from '../contract/time.js';
import { withReset, type Interval } from '../domain/interval.js';
import { sessionsOn } from '../domain/schedule.js';
import { bookableUntil } from '../domain/venue-policy.js';
import { venueClock } from '../domain/zoned.js';
import * as catalogSql from '../db/catalog-sql.js';
import type { CatalogRoomRow, CatalogVersionRow } from '../db/catalog-sql.js';
import type { Database } from '../db/orm.js';
import { sqlRunner, type Sql } from '../db/sql.js';
import * as venueSql from '../db/venue-sql.js';
import { roomView, toRoomDto, type RoomView } from './serialize.js';

// The venue's catalog (settings, rooms, schedules) kept per process, with what is costly to
// derive from it. The profile of the sessions grid put most of its time in parsing rows and
// schedules, turning schedules into instants (Temporal) and formatting them; none of it changes
// until the catalog does, which is rare (an admin's edit).
//
// Freshness: triggers bump catalog_version in the transaction of every write to venue or room
// (see its migrations), so each read asks the database for that one row first (a cached prepared
// statement on SQLite, one round trip on PostgreSQL) and rebuilds when it moved. A read thus
// never serves a catalog older than the last change committed before it began, in whichever
// process. (LISTEN/NOTIFY would save the round trip, but a notification arrives after the
// commit: a read right after another instance's change could still miss it.)

/** A room as the catalog keeps it: ready for the rules and for the wire. */
export interface CatalogRoom {
  readonly view: RoomView;
  readonly dto: RoomDto;
  readonly archived: boolean;
  /** null when the room takes any free range. */
  readonly schedule: Schedule | null;
}

/** One session of a room: everything about it that depends on the catalog alone, formatted once. */
export interface SessionTemplate {
  readonly room: CatalogRoom;
  readonly start: number;
  readonly end: number;
  /** What a booking of it blocks: the session and the room's reset after it. */
  readonly blocked: Interval;
  readonly bookableUntil: number;
  readonly wire: { start_date: string; end_date: string; local_start: string; local_end: string; bookable_until: string };
}

export interface Catalog {
  readonly version: number;
  readonly venue: Venue;
  /** Every room by id, archived ones too (bookings keep pointing at them). */
  readonly rooms: ReadonlyMap<number, CatalogRoom>;
  /** The rooms guests can book, on the wire, by id. */
  readonly openRooms: readonly RoomDto[];
  /** The sessions of every open scheduled room on a venue-local date, by start then room id. */
  sessionsOn(date: string): readonly SessionTemplate[];
  /** How many sessions it remembers, over all dates (tests). */
  readonly rememberedSessions: number;
}

/**
 * How many sessions a catalog remembers over all dates (a few hundred bytes each): enough for
 * every day a month's grid over a hundred rooms asks for, or a few days over a thousand rooms,
 * within the server's memory budget. The least recently asked date is forgotten first.
 */
export const MAX_REMEMBERED_SESSIONS = 40_000;

const frozen = <T extends object>(value: T): Readonly<T> => Object.freeze(value);

function catalogRoom(row: CatalogRoomRow): CatalogRoom {
  const view = roomView(row);
  const dto = toRoomDto(view);
  for (const tier of dto.price_tiers) frozen(tier);
  frozen(dto.price_tiers);
  return frozen({
    view,
    dto: frozen(dto),
    archived: Boolean(row.archived),
    schedule: row.schedule == null ? null : (JSON.parse(row.schedule) as Schedule),
  });
}

/** A catalog of the given rows; `maxSessions` bounds what it remembers of derived sessions. */
export function createCatalog(version: number, venue: Venue, rows: readonly CatalogRoomRow[], maxSessions = MAX_REMEMBERED_SESSIONS): Catalog {
  const rooms = new Map(rows.map((row) => [row.id, catalogRoom(row)]));
  const open = [...rooms.values()].filter((room) => !room.archived);
  const scheduled = open.flatMap((room) => (room.schedule ? [{ room, schedule: room.schedule }] : []));
  const clock = venueClock(venue.timezone);
  // A Map keeps insertion order: re-inserting a date on use makes the first key the least recently used.
  const days = new Map<string, readonly SessionTemplate[]>();
  let remembered = 0;

  function derive(date: string): SessionTemplate[] {
    const templates: SessionTemplate[] = [];
    for (const { room, schedule } of scheduled) {
      const shape = { schedule, bufferMinutes: room.view.bufferMinutes };
      for (const session of sessionsOn(shape, date, clock)) {
        const until = bookableUntil(session.start, venue);
        const blocked = frozen(withReset(session, room.view.bufferMinutes));
        templates.push({
          room,
          ...session,
          blocked,
          bookableUntil: until,
          wire: {
            start_date: formatInstant(session.start),
            end_date: formatInstant(session.end),
            local_start: clock.format(session.start),
            local_end: clock.format(session.end),
            bookable_until: formatInstant(until),
          },
        });
      }
    }
    return templates.sort((a, b) => a.start - b.start || a.room.view.id - b.room.view.id);
  }

  return {
    version,
    venue: frozen(venue),
    rooms,
    openRooms: frozen(open.map((room) => room.dto)),
    sessionsOn(date) {
      const known = days.get(date);
      if (known) {
        days.delete(date);
        days.set(date, known);
        return known;
      }
      const templates = derive(date);
      if (templates.length > maxSessions) return templates;
      for (const [oldest, forgotten] of days) {
        if (remembered + templates.length <= maxSessions) break;
        days.delete(oldest);
        remembered -= forgotten.length;
      }
      days.set(date, templates);
      remembered += templates.length;
      return templates;
    },
    get rememberedSessions() {
      return remembered;
    },
  };
}

const versionOf = async (sql: Sql): Promise<number> => {
  const [row] = await sql.all<CatalogVersionRow>(catalogSql.catalogVersion());
  return Number(row?.version ?? 0);
};

/**
 * Reads the catalog as one state: the version before and after the rows must agree (a change
 * in between bumps it), else it reads again. The rows are then exactly that version's.
 */
async function loadCatalog(sql: Sql): Promise<Catalog> {
  for (;;) {
    const version = await versionOf(sql);
    const [venue] = await sql.all<Venue>(venueSql.readVenue());
    const rows = await sql.all<CatalogRoomRow>(catalogSql.catalogRooms());
    if ((await versionOf(sql)) === version) return createCatalog(version, venue ?? DEFAULT_VENUE, rows);
  }
}

interface Cache {
  current?: Catalog | undefined;
  loading?: Promise<Catalog> | undefined;
}
const caches = new WeakMap<Database, Cache>();

/**
 * The catalog as of now: the one this process holds if the database's version still matches,
 * else a fresh one (concurrent readers share one load). Never inside a transaction: only
 * committed states are cached, and a transaction's own reads go to the database.
 */
export async function readCatalog(db: Database): Promise<Catalog> {
  const sql = sqlRunner(db);
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = {}));
  const version = await versionOf(sql);
  for (;;) {
    if (cache.current?.version === version) return cache.current;
    const loading = (cache.loading ??= loadCatalog(sql).finally(() => (cache.loading = undefined)));
    const loaded = await loading;
    if (loaded.version > (cache.current?.version ?? -Infinity)) cache.current = loaded;
    // A load that began before this read began may hold an older state: then load again.
    if (loaded.version >= version) return loaded;
  }
}
