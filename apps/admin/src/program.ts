import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  BOOKING_STATUSES,
  BookingApiError,
  BookingReference,
  PRICE_PER,
  createBookingClient,
  type Booking,
  type BookingClient,
  type BookingStatus,
  type PricePer,
  type PriceTier,
  type SetScheduleInput,
} from '@escape-room/sdk';
import {
  bookingDetail,
  bookingsTable,
  keysTable,
  renderOptions,
  roomsTable,
  scheduleDetail,
  sessionsTable,
  venueDetail,
} from './render.js';

interface GlobalOptions {
  apiUrl: string;
  adminKey?: string;
  json: boolean;
  utc: boolean;
}

function price(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new InvalidArgumentError('expected a price such as 34.50');
  return parsed;
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a positive whole number');
  return parsed;
}

function wholeNumber(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(parsed) || parsed < 0) throw new InvalidArgumentError('expected a whole number, 0 or more');
  return parsed;
}

/**
 * A limit that may be lifted: a positive whole number, or `none` (no limit). Commander keeps a
 * parser's null as an empty string, so `none` stays a word until `lifted` turns it into null.
 */
function limitOrNone(value: string): number | 'none' {
  if (value.toLowerCase() === 'none') return 'none';
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a positive whole number, or none for no limit');
  return parsed;
}

function lifted(limit: number | 'none' | undefined): number | null | undefined {
  return limit === 'none' ? null : limit;
}

/** `--price-tier 5:25` (from 5 players up, 25), repeatable; the tiers go in the order given. */
function priceTier(value: string, previous: PriceTier[] = []): PriceTier[] {
  const [, min, amount] = /^(\d+):(\d+(?:\.\d+)?)$/.exec(value.trim()) ?? [];
  if (min === undefined || amount === undefined) throw new InvalidArgumentError('expected MIN_PLAYERS:PRICE, e.g. 5:25.00');
  return [...previous, { min_players: positiveInteger(min), price: price(amount) }];
}

type ScheduleBody = Omit<SetScheduleInput, 'room_id'>;

/** A schedule as JSON, from a file or (`-`) standard input. The API checks what it says. */
function scheduleFile(path: string): ScheduleBody {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new InvalidArgumentError(`cannot read it: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return JSON.parse(text) as ScheduleBody;
  } catch (error) {
    throw new InvalidArgumentError(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The new room fields as their flags give them, in the API's names; unset flags are left out. */
interface RoomTermFlags {
  pricePer?: PricePer;
  priceTier?: PriceTier[];
  minPlayers?: number;
  maxPlayers?: number | 'none';
  bufferMinutes?: number;
}

function roomTerms(flags: RoomTermFlags) {
  return {
    price_per: flags.pricePer,
    price_tiers: flags.priceTier,
    min_players: flags.minPlayers,
    max_players: lifted(flags.maxPlayers),
    buffer_minutes: flags.bufferMinutes,
  };
}

function withRoomTermOptions(command: Command): Command {
  return command
    .addOption(new Option('--price-per <unit>', 'the price is per booking or per player').choices(PRICE_PER))
    .option('--price-tier <min:price>', 'from MIN players up, PRICE instead (repeat for more tiers, ascending)', priceTier)
    .option('--min-players <n>', 'smallest party', positiveInteger)
    .option('--max-players <n>', 'largest party, or none', limitOrNone)
    .option('--buffer-minutes <n>', 'reset time after each game', wholeNumber);
}

/** A booking by its id, or by its 8-character reference (through the admin listing). */
async function findBooking(client: BookingClient, idOrReference: string): Promise<Booking> {
  const reference = BookingReference.safeParse(idOrReference);
  if (!reference.success) return client.bookings.get(idOrReference);
  const [booking] = (await client.admin.bookings.list({ reference: reference.data, limit: 1 })).bookings;
  if (!booking) throw new BookingApiError('BOOKING_NOT_FOUND', `No booking has the reference ${reference.data}`, 404);
  return booking;
}

export function buildProgram(out: NodeJS.WriteStream = process.stdout): Command {
  const program = new Command('escape-admin')
    .description("The venue's admin tool for the escape-room booking API")
    .addOption(new Option('--api-url <url>', 'where the API is served').env('API_URL').default('http://127.0.0.1:3000'))
    .addOption(new Option('--admin-key <key>', 'admin API key').env('ADMIN_API_KEY'))
    .option('--json', 'print JSON for scripts instead of tables', false)
    .option('--utc', 'show times in UTC instead of the local time zone', false)
    .showHelpAfterError()
    // Throw instead of exiting, so main.ts picks the exit code; subcommands inherit this.
    .exitOverride()
    .configureOutput({ writeOut: (text) => out.write(text) });

  const context = () => {
    const options = program.opts<GlobalOptions>();
    const client = createBookingClient({ baseUrl: options.apiUrl, adminKey: options.adminKey });
    const print = (value: unknown, human: () => string) =>
      out.write(`${options.json ? JSON.stringify(value, null, 2) : human()}\n`);
    return { client, print, render: renderOptions(out, options.utc) };
  };

  const rooms = program.command('rooms').description('rooms of the venue');
  rooms
    .command('list')
    .description('list the rooms guests can book (--all: archived ones too, needs the admin key)')
    .option('--all', 'include archived rooms', false)
    .action(async (options: { all: boolean }) => {
      const { client, print, render } = context();
      const list = options.all ? await client.admin.rooms.list() : await client.rooms.list();
      print(list, () => roomsTable(list, render));
    });

  withRoomTermOptions(
    rooms
      .command('create')
      .description('create a room')
      .requiredOption('--name <name>', 'shown to guests')
      .requiredOption('--price <price>', 'per session (or per player with --price-per player), e.g. 34.50', price)
      .option('--description <text>', 'shown to guests', ''),
  ).action(async (options: { name: string; price: number; description: string } & RoomTermFlags) => {
    const { client, print, render } = context();
    const room = await client.admin.rooms.create({ name: options.name, price: options.price, description: options.description, ...roomTerms(options) });
    print(room, () => `Created room ${room.id}.\n${roomsTable([room], render)}`);
  });

  withRoomTermOptions(
    rooms
      .command('update')
      .description('change a room; bookings already made keep their price, party and reset')
      .argument('<id>', 'room id', positiveInteger)
      .option('--name <name>', 'new name')
      .option('--price <price>', 'new price', price)
      .option('--description <text>', 'new description'),
  )
    .addOption(new Option('--clear-price-tiers', 'remove every price tier').conflicts('priceTier'))
    .action(async (id: number, options: { name?: string; price?: number; description?: string; clearPriceTiers?: boolean } & RoomTermFlags) => {
      const { client, print, render } = context();
      const terms = roomTerms(options);
      const room = await client.admin.rooms.update(id, {
        name: options.name,
        price: options.price,
        description: options.description,
        ...terms,
        price_tiers: options.clearPriceTiers ? [] : terms.price_tiers,
      });
      print(room, () => roomsTable([room], render));
    });

  rooms
    .command('archive')
    .description('stop new holds on a room; its bookings stay')
    .argument('<id>', 'room id', positiveInteger)
    .action(async (id: number) => {
      const { client, print, render } = context();
      const room = await client.admin.rooms.archive(id);
      print(room, () => `Archived.\n${roomsTable([room], render)}`);
    });

  const schedule = rooms.command('schedule').description("a room's sessions, in venue-local time");
  schedule
    .command('show')
    .description("show a room's weekly sessions and dated exceptions")
    .argument('<room>', 'room id', positiveInteger)
    .action(async (roomId: number) => {
      const { client, print } = context();
      const found = await client.rooms.schedule(roomId);
      print(found, () => scheduleDetail(roomId, found));
    });

  schedule
    .command('set')
    .description('make a room sell these sessions only; bookings already made keep their times and prices')
    .argument('<room>', 'room id', positiveInteger)
    .requiredOption('--file <schedule.json>', 'the schedule as JSON (see the README), or - for standard input', scheduleFile)
    .action(async (roomId: number, options: { file: ScheduleBody }) => {
      const { client, print } = context();
      const set = await client.admin.rooms.setSchedule(roomId, options.file);
      print(set, () => `Schedule set.\n${scheduleDetail(roomId, set)}`);
    });

  schedule
    .command('clear')
    .description('let a room take any free range again; its bookings stay')
    .argument('<room>', 'room id', positiveInteger)
    .action(async (roomId: number) => {
      const { client, print } = context();
      await client.admin.rooms.clearSchedule(roomId);
      print(null, () => `Room ${roomId} has no schedule now: it takes any free range.`);
    });

  program
    .command('sessions')
    .description('the sessions of the scheduled rooms, day by day in the venue time zone')
    .requiredOption('--date <YYYY-MM-DD>', 'the first venue-local day')
    .option('--days <n>', 'how many days, 1 to 31', positiveInteger, 1)
    .option('--room <id>', 'only this room', positiveInteger)
    .option('--players <n>', 'party size: prices for it, rooms that cannot take it left out', positiveInteger)
    .action(async (options: { date: string; days: number; room?: number; players?: number }) => {
      const { client, print, render } = context();
      // One batched request: the sessions, and the rooms' names for the table.
      const [page, open] = await Promise.all([
        client.sessions({ date: options.date, days: options.days, room_id: options.room, players: options.players }),
        client.rooms.list(),
      ]);
      const names = new Map(open.map((room) => [room.id, room.name]));
      print(page, () =>
        page.sessions.length
          ? `${sessionsTable(page, names, render)}\n${page.sessions.length} session(s), times in ${render.utc ? 'UTC' : page.timezone}`
          : 'No session on those days (rooms without a schedule have none).',
      );
    });

  const venue = program.command('venue').description("the venue's settings: time zone, currency, booking policies");
  venue
    .command('show')
    .description("show the venue's settings")
    .action(async () => {
      const { client, print } = context();
      const settings = await client.venue();
      print(settings, () => venueDetail(settings));
    });

  venue
    .command('set')
    .description("change any of the venue's settings")
    .option('--name <name>', "the venue's name")
    .option('--timezone <zone>', 'IANA time zone of schedules and local times, e.g. Europe/Paris')
    .option('--currency <code>', 'ISO 4217 code of every price, e.g. EUR')
    .option('--min-notice-minutes <n>', 'sessions can be held until this long before they start', wholeNumber)
    .option('--horizon-days <n>', 'how many days ahead sessions can be held, or none', limitOrNone)
    .option('--cancellation-cutoff-hours <n>', 'guests may cancel until this long before the start', wholeNumber)
    .action(
      async (options: {
        name?: string;
        timezone?: string;
        currency?: string;
        minNoticeMinutes?: number;
        horizonDays?: number | 'none';
        cancellationCutoffHours?: number;
      }) => {
        const { client, print } = context();
        const settings = await client.admin.venue.update({
          name: options.name,
          timezone: options.timezone,
          currency: options.currency,
          min_notice_minutes: options.minNoticeMinutes,
          horizon_days: lifted(options.horizonDays),
          cancellation_cutoff_hours: options.cancellationCutoffHours,
        });
        print(settings, () => venueDetail(settings));
      },
    );

  program
    .command('availability')
    .description('rooms free for the whole of a time range')
    .requiredOption('--from <time>', 'start, ISO-8601 (e.g. 2030-03-01T18:00:00Z)')
    .requiredOption('--to <time>', 'end, ISO-8601')
    .action(async (options: { from: string; to: string }) => {
      const { client, print, render } = context();
      const free = await client.availability({ start_date: options.from, end_date: options.to });
      print(free, () => (free.length ? roomsTable(free, render) : 'No room is free for the whole range.'));
    });

  const bookings = program.command('bookings').description('bookings and holds (needs the admin key)');
  bookings
    .command('list')
    .description('list bookings, following every page')
    .addOption(new Option('--status <status>', 'only this status').choices(BOOKING_STATUSES))
    .option('--room <id>', 'only this room', positiveInteger)
    .option('--from <time>', 'only bookings that end after this time')
    .option('--to <time>', 'only bookings that start before this time')
    .option('--page-size <n>', 'bookings fetched per request', positiveInteger, 100)
    .action(async (options: { status?: BookingStatus; room?: number; from?: string; to?: string; pageSize: number }) => {
      const { client, print, render } = context();
      const found: Booking[] = [];
      const query = { status: options.status, room_id: options.room, from: options.from, to: options.to, limit: options.pageSize };
      for await (const booking of client.admin.bookings.all(query)) found.push(booking);
      print(found, () => (found.length ? `${bookingsTable(found, render)}\n${found.length} booking(s)` : 'No booking matches.'));
    });

  bookings
    .command('show')
    .description('one booking in detail, by its id or its 8-character reference')
    .argument('<id-or-reference>', 'booking id (bk_…), or reference such as K7M2QX9P (needs the admin key)')
    .action(async (idOrReference: string) => {
      const { client, print, render } = context();
      const booking = await findBooking(client, idOrReference);
      print(booking, () => bookingDetail(booking, render));
    });

  bookings
    .command('cancel')
    .description('cancel any held or confirmed booking until its slot is over')
    .argument('<id>', 'booking id')
    .action(async (id: string) => {
      const { client, print, render } = context();
      const booking = await client.admin.bookings.cancel(id);
      print(booking, () => `Cancelled.\n${bookingDetail(booking, render)}`);
    });

  const keys = program.command('keys').description('admin API keys');
  keys
    .command('create')
    .description('create a key; its secret is printed once')
    .requiredOption('--name <name>', 'what the key is for, e.g. "front desk"')
    .action(async (options: { name: string }) => {
      const { client, print } = context();
      const created = await client.admin.keys.create(options.name);
      print(created, () => `Created key ${created.key.id} (${created.key.name}).\nSecret, shown only now:\n\n  ${created.secret}\n`);
    });

  keys
    .command('list')
    .description('list keys (never their secrets)')
    .action(async () => {
      const { client, print, render } = context();
      const list = await client.admin.keys.list();
      print(list, () => keysTable(list, render));
    });

  keys
    .command('revoke')
    .description('revoke a key at once')
    .argument('<id>', 'key id, e.g. ak_7f3k2m9q')
    .action(async (id: string) => {
      const { client, print, render } = context();
      const key = await client.admin.keys.revoke(id);
      print(key, () => `Revoked.\n${keysTable([key], render)}`);
    });

  return program;
}
