import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  BOOKING_STATUSES,
  BookingApiError,
  BookingReference,
  DELIVERY_STATUSES,
  EVENT_TYPES,
  LIST_LIMIT_MAX,
  PRICE_PER,
  createBookingClient,
  type Booking,
  type BookingClient,
  type BookingEvent,
  type BookingStatus,
  type DeliveryStatus,
  type EventType,
  type PricePer,
  type PriceTier,
  type SetScheduleInput,
} from '@escape-room/sdk';
import {
  bookingDetail,
  bookingsTable,
  deliveriesTable,
  eventsTable,
  formatTime,
  keysTable,
  renderOptions,
  roomsTable,
  scheduleDetail,
  sessionsTable,
  venueDetail,
  webhooksTable,
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

/** `--events booking.held,booking.confirmed`: event types of the contract, separated by commas. */
function eventTypes(value: string): EventType[] {
  const types = value.split(',').map((type) => type.trim()).filter((type) => type !== '');
  const known = new Set<string>(EVENT_TYPES);
  if (types.length === 0 || !types.every((type) => known.has(type))) {
    throw new InvalidArgumentError(`expected event types separated by commas, from ${EVENT_TYPES.join(', ')}`);
  }
  return types as EventType[];
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

  const webhooks = program.command('webhooks').description('endpoints the API POSTs booking events to, and their delivery logs');
  webhooks
    .command('add')
    .description('add an endpoint; its signing secret is printed once')
    .argument('<url>', 'where to POST events, e.g. https://hooks.example.com/escape-room')
    .requiredOption('--events <types>', `event types, separated by commas: ${EVENT_TYPES.join(', ')}`, eventTypes)
    .option('--description <text>', 'what the endpoint is for')
    .action(async (url: string, options: { events: EventType[]; description?: string }) => {
      const { client, print, render } = context();
      const created = await client.admin.webhooks.create({ url, events: options.events, description: options.description });
      print(
        created,
        () =>
          `Created webhook ${created.webhook.id}.\n${webhooksTable([created.webhook], render)}\n` +
          `Signing secret, shown only now (the receiver verifies deliveries with it):\n\n  ${created.secret}\n`,
      );
    });

  webhooks
    .command('list')
    .description('list endpoints (never their secrets)')
    .action(async () => {
      const { client, print, render } = context();
      const list = await client.admin.webhooks.list();
      print(list, () => (list.length ? webhooksTable(list, render) : 'No webhook yet: add one with `webhooks add <url> --events ...`.'));
    });

  webhooks
    .command('update')
    .description("change an endpoint; --enable resumes a disabled one's pending deliveries")
    .argument('<id>', 'webhook id, e.g. wh_9dK2mQ4rT7xZ1aBc')
    .option('--url <url>', 'new address')
    .option('--events <types>', 'new event types, separated by commas (replacing the old ones)', eventTypes)
    .addOption(new Option('--enable', 'deliver to it again').conflicts('disable'))
    .addOption(new Option('--disable', 'stop delivering to it; events meanwhile are not queued for it'))
    .option('--description <text>', 'new description')
    .action(async function (this: Command, id: string, options: { url?: string; events?: EventType[]; enable?: true; disable?: true; description?: string }) {
      const enabled = options.enable ? true : options.disable ? false : undefined;
      if (options.url === undefined && options.events === undefined && enabled === undefined && options.description === undefined) {
        this.error('error: nothing to change: give --url, --events, --enable, --disable or --description');
      }
      const { client, print, render } = context();
      const webhook = await client.admin.webhooks.update(id, { url: options.url, events: options.events, enabled, description: options.description });
      print(webhook, () => webhooksTable([webhook], render));
    });

  webhooks
    .command('remove')
    .description('remove an endpoint and its delivery log')
    .argument('<id>', 'webhook id')
    .action(async (id: string) => {
      const { client, print, render } = context();
      const webhook = await client.admin.webhooks.remove(id);
      print(webhook, () => `Removed, with its delivery log.\n${webhooksTable([webhook], render)}`);
    });

  webhooks
    .command('rotate')
    .description('give an endpoint a new signing secret; the previous one keeps signing beside it for 24 hours')
    .argument('<id>', 'webhook id')
    .action(async (id: string) => {
      const { client, print, render } = context();
      const rotated = await client.admin.webhooks.rotateSecret(id);
      print(
        rotated,
        () =>
          `New signing secret of ${rotated.webhook.id}, shown only now:\n\n  ${rotated.secret}\n\n` +
          `Until ${formatTime(rotated.webhook.previous_secret_expires_at, render)} every delivery is signed with both secrets; switch the receiver over before then.`,
      );
    });

  webhooks
    .command('deliveries')
    .description("an endpoint's delivery log, newest first")
    .argument('<id>', 'webhook id')
    .addOption(new Option('--status <status>', 'only this status').choices(DELIVERY_STATUSES))
    .option('--limit <n>', `how many, newest first (at most ${LIST_LIMIT_MAX})`, positiveInteger, 20)
    .action(async (id: string, options: { status?: DeliveryStatus; limit: number }) => {
      const { client, print, render } = context();
      const page = await client.admin.webhooks.deliveries(id, { status: options.status, limit: options.limit });
      const more = page.next_cursor ? `\nOlder deliveries match too: raise --limit (up to ${LIST_LIMIT_MAX}).` : '';
      print(page.deliveries, () =>
        page.deliveries.length ? `${deliveriesTable(page.deliveries, render)}\n${page.deliveries.length} deliver${page.deliveries.length === 1 ? 'y' : 'ies'}${more}` : 'No delivery matches.',
      );
    });

  webhooks
    .command('retry')
    .description('send a delivery again now, whatever its state')
    .argument('<id>', 'webhook id')
    .argument('<delivery-id>', 'delivery id, from `webhooks deliveries`', positiveInteger)
    .action(async (id: string, deliveryId: number) => {
      const { client, print, render } = context();
      const delivery = await client.admin.webhooks.retryDelivery(id, deliveryId);
      print(delivery, () => `Delivery ${delivery.id} goes out again now; \`webhooks deliveries ${id}\` shows how it went.\n${deliveriesTable([delivery], render)}`);
    });

  const events = program.command('events').description('the event log: every change of every booking');
  events
    .command('list')
    .description('list events, oldest first, following every page up to --limit')
    .option('--booking <id>', 'only this booking')
    .addOption(new Option('--type <type>', 'only this event type').choices(EVENT_TYPES))
    .option('--from <time>', 'only events at or after this time')
    .option('--to <time>', 'only events before this time')
    .option('--limit <n>', 'at most this many', positiveInteger, 100)
    .action(async (options: { booking?: string; type?: EventType; from?: string; to?: string; limit: number }) => {
      const { client, print, render } = context();
      const query = { booking_id: options.booking, type: options.type, from: options.from, to: options.to, limit: Math.min(options.limit + 1, LIST_LIMIT_MAX) };
      const found: BookingEvent[] = [];
      for await (const event of client.admin.events.all(query)) {
        if (found.push(event) > options.limit) break;
      }
      const more = found.length > options.limit;
      const shown = found.slice(0, options.limit);
      print(shown, () =>
        shown.length
          ? `${eventsTable(shown, render)}\n${shown.length} event(s)${more ? ', and later ones: raise --limit, or narrow with --from' : ''}`
          : 'No event matches.',
      );
    });

  return program;
}
