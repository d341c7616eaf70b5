import { Command, InvalidArgumentError, Option } from 'commander';
import { BOOKING_STATUSES, createBookingClient, type Booking, type BookingStatus } from '@escape-room/sdk';
import { bookingDetail, bookingsTable, keysTable, renderOptions, roomsTable } from './render.js';

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

  rooms
    .command('create')
    .description('create a room')
    .requiredOption('--name <name>', 'shown to guests')
    .requiredOption('--price <price>', 'per session, e.g. 34.50', price)
    .option('--description <text>', 'shown to guests', '')
    .action(async (options: { name: string; price: number; description: string }) => {
      const { client, print, render } = context();
      const room = await client.admin.rooms.create(options);
      print(room, () => `Created room ${room.id}.\n${roomsTable([room], render)}`);
    });

  rooms
    .command('update')
    .description('change a room')
    .argument('<id>', 'room id', positiveInteger)
    .option('--name <name>', 'new name')
    .option('--price <price>', 'new price', price)
    .option('--description <text>', 'new description')
    .action(async (id: number, options: { name?: string; price?: number; description?: string }) => {
      const { client, print, render } = context();
      const room = await client.admin.rooms.update(id, options);
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
    .description('one booking in detail')
    .argument('<id>', 'booking id')
    .action(async (id: string) => {
      const { client, print, render } = context();
      const booking = await client.bookings.get(id);
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
