import Table from 'cli-table3';
import { createColors } from 'picocolors';
import {
  WEEKDAYS,
  currencyDecimals,
  type AdminKey,
  type AdminRoom,
  type Booking,
  type BookingEvent,
  type BookingStatus,
  type DayRule,
  type Delivery,
  type DeliveryStatus,
  type Room,
  type Schedule,
  type SessionStatus,
  type SessionsPage,
  type Venue,
  type Webhook,
} from '@escape-room/sdk';

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

const LOCAL_TIME: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
};
const localFormat = new Intl.DateTimeFormat(undefined, LOCAL_TIME);

// Logs (events, deliveries) happen seconds apart: a minute would show a retry 5 s later as the same time.
const localFormatSeconds = new Intl.DateTimeFormat(undefined, { ...LOCAL_TIME, second: '2-digit' });

export function formatTime(iso: string | null, { utc }: Pick<RenderOptions, 'utc'>, precision: 'minute' | 'second' = 'minute'): string {
  if (iso === null) return '-';
  if (utc) return iso.replace('.000Z', 'Z');
  return (precision === 'second' ? localFormatSeconds : localFormat).format(new Date(iso));
}

/** An exact amount as the currency writes it: 99.99 EUR, 1200 JPY. */
export function formatMoney(amount: number, currency: string): string {
  return `${amount.toFixed(currencyDecimals(currency))} ${currency}`;
}

const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A venue-local time as the API gives it (2030-03-31T10:00:00+02:00), split as it reads: date, HH:MM, offset. */
function venueLocal(iso: string): { date: string; time: string; offset: string } {
  const [, date, time, offset] = LOCAL_DATE_TIME.exec(iso) ?? [];
  if (date === undefined || time === undefined || offset === undefined) return { date: iso, time: '', offset: '' };
  return { date, time, offset: offset === 'Z' ? '+00:00' : offset };
}

/** Label and value rows, the labels padded to one width. */
function detail(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
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

function roomPrice(room: Room): string {
  const tiers = room.price_tiers.map((tier) => `${tier.min_players}+: ${tier.price.toFixed(2)}`);
  return [`${room.price.toFixed(2)} per ${room.price_per}`, ...tiers].join(', ');
}

function partySize(room: Pick<Room, 'min_players' | 'max_players'>): string {
  if (room.max_players === null) return `${room.min_players}+`;
  return room.max_players === room.min_players ? String(room.min_players) : `${room.min_players}-${room.max_players}`;
}

export function roomsTable(rooms: (Room | AdminRoom)[], options: RenderOptions): string {
  const archived = (room: Room | AdminRoom) => ('archived_at' in room && room.archived_at ? formatTime(room.archived_at, options) : '-');
  return table(
    ['ID', 'NAME', 'PRICE', 'PLAYERS', 'RESET', 'SESSIONS', 'ARCHIVED', 'DESCRIPTION'],
    rooms.map((room) => [
      String(room.id),
      room.name,
      roomPrice(room),
      partySize(room),
      `${room.buffer_minutes} min`,
      room.scheduled ? 'scheduled' : 'any range',
      archived(room),
      room.description,
    ]),
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
    ['ID', 'REFERENCE', 'ROOM', 'STATUS', 'START', 'END', 'GUEST'],
    bookings.map((b) => [
      b.id,
      b.reference,
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
  const start = venueLocal(booking.local_start);
  const end = venueLocal(booking.local_end);
  return detail([
    ['id', booking.id],
    ['reference', booking.reference],
    ['status', statusLabel(booking.status, options)],
    ['room', `${booking.room_id} ${booking.room.name}`],
    ['guest', `${booking.guest.name} <${booking.guest.email}>`],
    ['players', String(booking.players)],
    ['price', formatMoney(booking.price.total, booking.price.currency)],
    ['venue time', `${start.date} ${start.time} ${start.offset} to ${end.date === start.date ? '' : `${end.date} `}${end.time} ${end.offset}`],
    ['start', both(booking.start_date)],
    ['end', both(booking.end_date)],
    ['created', both(booking.created_at)],
    ['hold expires', both(booking.expires_at)],
    ['cancellable until', both(booking.cancellable_until)],
  ]);
}

export function venueDetail(venue: Venue): string {
  return detail([
    ['name', venue.name],
    ['time zone', venue.timezone],
    ['currency', venue.currency],
    ['minimum notice', `${venue.min_notice_minutes} minutes before the start`],
    ['horizon', venue.horizon_days === null ? 'none: any date ahead' : `${venue.horizon_days} days ahead`],
    ['cancellation cutoff', `${venue.cancellation_cutoff_hours} hours before the start`],
  ]);
}

function dayRule(rule: DayRule | undefined): string {
  if (rule === undefined) return 'closed';
  if ('starts' in rule) return rule.starts.join(', ');
  return `from ${rule.open}, every game ending by ${rule.close}`;
}

/** A schedule as a person reads it: every weekday (closed ones too), then the dated exceptions. */
export function scheduleDetail(roomId: number, schedule: Schedule | null): string {
  if (schedule === null) return `Room ${roomId} has no schedule: it takes any free range.`;
  const rows: [string, string][] = [
    ['room', String(roomId)],
    ['session', `${schedule.session_minutes} minutes`],
    ...WEEKDAYS.map((day): [string, string] => [day, dayRule(schedule.weekly[day])]),
    ...schedule.exceptions.map((exception): [string, string] => [exception.date, 'closed' in exception ? 'closed' : dayRule(exception)]),
  ];
  return detail(rows);
}

function sessionStatus(status: SessionStatus, heldUntil: string | undefined, clock: (iso: string) => string, options: RenderOptions): string {
  const colors = createColors(options.color);
  const paint = { available: colors.green, held: colors.yellow, booked: colors.red, closed: colors.dim }[status];
  return paint(status === 'held' && heldUntil ? `held until ${clock(heldUntil)}` : status);
}

/** Sessions as the venue sees them: its own dates and wall-clock times (or UTC with --utc). */
export function sessionsTable(page: SessionsPage, roomNames: Map<number, string>, options: RenderOptions): string {
  const venueClock = new Intl.DateTimeFormat('en-GB', { timeZone: options.utc ? 'UTC' : page.timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const clock = (iso: string) => venueClock.format(new Date(iso));
  return table(
    ['DATE', 'TIME', 'ROOM', 'STATUS', 'PLAYERS', 'PRICE'],
    page.sessions.map((session) => {
      const start = options.utc ? { date: session.start_date.slice(0, 10), offset: 'UTC' } : venueLocal(session.local_start);
      return [
        start.date,
        `${clock(session.start_date)}-${clock(session.end_date)} ${start.offset}`,
        `${session.room_id} ${roomNames.get(session.room_id) ?? ''}`.trim(),
        sessionStatus(session.status, session.held_until, clock, options),
        String(session.price.players),
        formatMoney(session.price.total, page.currency),
      ];
    }),
    options,
  );
}

function webhookState(webhook: Webhook, options: RenderOptions): string {
  const colors = createColors(options.color);
  if (webhook.enabled) return colors.green('enabled');
  const paint = webhook.disabled_reason === 'admin' ? colors.dim : colors.red;
  return paint(`disabled (${webhook.disabled_reason ?? 'admin'})`);
}

export function webhooksTable(webhooks: Webhook[], options: RenderOptions): string {
  return table(
    ['ID', 'URL', 'EVENTS', 'STATE', 'DESCRIPTION'],
    webhooks.map((webhook) => [webhook.id, webhook.url, webhook.events.join(', '), webhookState(webhook, options), webhook.description]),
    options,
  );
}

function deliveryStatus(status: DeliveryStatus, options: RenderOptions): string {
  const colors = createColors(options.color);
  return { pending: colors.yellow, succeeded: colors.green, failed: colors.red }[status](status);
}

/** Newest first, as the log comes; the last attempt's HTTP status, or `no answer` (refused, timed out, unreachable). */
export function deliveriesTable(deliveries: Delivery[], options: RenderOptions): string {
  return table(
    ['ID', 'EVENT', 'BOOKING', 'STATUS', 'ATTEMPTS', 'LAST CODE', 'NEXT ATTEMPT'],
    deliveries.map((delivery) => {
      const last = delivery.attempts.at(-1);
      return [
        String(delivery.id),
        delivery.event_type,
        delivery.booking_id,
        deliveryStatus(delivery.status, options),
        String(delivery.attempts.length),
        last === undefined ? '-' : (last.status_code?.toString() ?? 'no answer'),
        formatTime(delivery.next_attempt_at, options, 'second'),
      ];
    }),
    options,
  );
}

/** Who made a change: the guest, the venue's staff (by admin key), or the platform (a lapsed hold). */
function actorLabel(event: BookingEvent): string {
  return event.actor.id ? `${event.actor.type} ${event.actor.id}` : event.actor.type;
}

export function eventsTable(events: BookingEvent[], options: RenderOptions): string {
  return table(
    ['TIME', 'EVENT', 'BOOKING', 'STATUS', 'BY'],
    events.map((event) => [
      formatTime(event.created_at, options, 'second'),
      event.type,
      event.data.booking.id,
      `${event.data.previous_status ? `${event.data.previous_status} -> ` : ''}${statusLabel(event.data.booking.status, options)}`,
      actorLabel(event),
    ]),
    options,
  );
}
