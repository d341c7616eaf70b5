import Table from 'cli-table3';
import { createColors } from 'picocolors';
import type { AdminKey, AdminRoom, Booking, BookingStatus, Room } from '@escape-room/sdk';

export interface RenderOptions {
  /** Show times in UTC instead of the local time zone. */
  utc: boolean;
  /** Colour only when a person is watching (a TTY) and NO_COLOR is not set. */
  color: boolean;
}

export function renderOptions(stream: NodeJS.WriteStream, utc: boolean): RenderOptions {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- isTTY is undefined, not false, on a pipe
  return { utc, color: Boolean(stream.isTTY) && !('NO_COLOR' in process.env) };
}

const localFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});

function formatTime(iso: string | null, { utc }: Pick<RenderOptions, 'utc'>): string {
  if (iso === null) return '-';
  return utc ? iso.replace('.000Z', 'Z') : localFormat.format(new Date(iso));
}

function table(head: string[], rows: string[][], options: RenderOptions): string {
  const colors = createColors(options.color);
  const grid = new Table({
    head: head.map((title) => colors.bold(title)),
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  grid.push(...rows);
  return grid.toString();
}

function statusLabel(status: BookingStatus, options: RenderOptions): string {
  const colors = createColors(options.color);
  const paint = { pending: colors.yellow, confirmed: colors.green, released: colors.dim, expired: colors.dim, cancelled: colors.red }[status];
  return paint(status);
}

export function roomsTable(rooms: (Room | AdminRoom)[], options: RenderOptions): string {
  const archived = (room: Room | AdminRoom) => ('archived_at' in room && room.archived_at ? formatTime(room.archived_at, options) : '-');
  return table(
    ['ID', 'NAME', 'PRICE', 'ARCHIVED', 'DESCRIPTION'],
    rooms.map((room) => [String(room.id), room.name, room.price.toFixed(2), archived(room), room.description]),
    options,
  );
}

export function keysTable(keys: AdminKey[], options: RenderOptions): string {
  return table(
    ['ID', 'NAME', 'CREATED', 'LAST USED', 'REVOKED'],
    keys.map((key) => [key.id, key.name, formatTime(key.created_at, options), formatTime(key.last_used_at, options), formatTime(key.revoked_at, options)]),
    options,
  );
}

export function bookingsTable(bookings: Booking[], options: RenderOptions): string {
  return table(
    ['ID', 'ROOM', 'STATUS', 'START', 'END', 'GUEST'],
    bookings.map((b) => [
      b.id,
      `${b.room_id} ${b.room.name}`,
      statusLabel(b.status, options),
      formatTime(b.start_date, options),
      formatTime(b.end_date, options),
      `${b.guest.name} <${b.guest.email}>`,
    ]),
    options,
  );
}

/** One booking in detail: every time in local time with its UTC value beside it. */
export function bookingDetail(booking: Booking, options: RenderOptions): string {
  const both = (iso: string | null) =>
    iso === null ? '-' : `${formatTime(iso, { utc: false })}  (${formatTime(iso, { utc: true })})`;
  const rows: [string, string][] = [
    ['id', booking.id],
    ['status', statusLabel(booking.status, options)],
    ['room', `${booking.room_id} ${booking.room.name} (${booking.room.price.toFixed(2)})`],
    ['guest', `${booking.guest.name} <${booking.guest.email}>`],
    ['start', both(booking.start_date)],
    ['end', both(booking.end_date)],
    ['created', both(booking.created_at)],
    ['hold expires', both(booking.expires_at)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}
