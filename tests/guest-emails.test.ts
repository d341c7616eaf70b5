import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabase } from '@escape-room/test-utils';
import { readCalendar } from '@escape-room/test-utils/calendar';
import { acceptAll, startInbox, type ArrivedMail, type Inbox, type MailReply } from '@escape-room/test-utils/smtp';
import { call, fixedHours } from './support/http.js';
import { TEST_ADMIN_KEY, startServer, type RunningServer } from './support/server.js';
import { sql } from './support/sql.js';
import { useServer } from './support/use-server.js';
import { until } from './support/wait.js';

// Guest emails and the calendar file, end to end: the real compiled server hands its emails to
// a real SMTP server on loopback, and is killed mid-send and restarted on the same database.
// Every wait is on something observable (a message arriving), never on time itself.

const { holdBody } = fixedHours();
const ADMIN = { authorization: `Bearer ${TEST_ADMIN_KEY}` };
const PUBLIC_URL = 'https://book.example.com';

const api = (server: RunningServer, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  call(server.url, method, `/api/v1${path}`, { body, headers });

describe('guest emails and the calendar file', () => {
  let inbox: Inbox;
  let db: Awaited<ReturnType<typeof emptyDatabase>>;
  let server: RunningServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    inbox = await startInbox();
    db = await emptyDatabase('sqlite');
    env = {
      DATABASE_URL: db.url,
      SMTP_URL: inbox.url,
      MAIL_FROM: 'Front desk <bookings@locked-in.example>',
      PUBLIC_URL,
      // A crashed instance's claim runs out after 2 × 1 s + 1 s: the restart test waits that long, no more.
      MAIL_TIMEOUT_SECONDS: '1',
    };
    server = await startServer(env);
    const venue = await api(server, 'PATCH', '/admin/venue', { name: 'Locked In Paris', timezone: 'Europe/Paris', currency: 'EUR' }, ADMIN);
    expect(venue.status, JSON.stringify(venue.body)).toBe(200);
  });
  afterAll(async () => {
    /* eslint-disable @typescript-eslint/no-unnecessary-condition -- each is still undefined if beforeAll failed before it */
    await server?.stop();
    await inbox?.close();
    await db?.dispose();
    /* eslint-enable @typescript-eslint/no-unnecessary-condition */
  });

  const confirmed = async (room: number, hoursAhead: number, name = 'Ada Lovelace') => {
    const held = await api(server, 'POST', '/bookings', { ...holdBody(room, hoursAhead), guest: { name, email: 'ada@example.com' } });
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    const done = await api(server, 'PUT', `/bookings/${held.body.booking.id}/confirm`);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    return done.body.booking as { id: string; reference: string; local_start: string; local_end: string; start_date: string };
  };
  const eventId = async (bookingId: string, type: string) =>
    ((await api(server, 'GET', `/bookings/${bookingId}/events`)).body.events as { id: string; type: string }[]).find((e) => e.type === type)!.id;
  const about = (reference: string) => (mail: ArrivedMail) => mail.parsed.subject?.includes(reference) === true;
  const wall = (local: string) => local.slice(0, 19);

  it('says once at start-up that guest emails are on', async () => {
    await until('the start-up log names the mail state', () => server.logs.some((line) => line.includes('guest emails on')));
    expect(server.logs.filter((line) => line.includes('guest emails on'))).toHaveLength(1);
    expect(server.logs.join('\n')).not.toContain('ada@example.com');
  });

  it('emails the confirmation with the calendar file, under a Message-ID made of the event id', async () => {
    const booking = await confirmed(1, 24);
    const mail = await inbox.next('the confirmation, accepted', (m) => about(booking.reference)(m) && m.answeredWith === 250);
    expect(mail.to).toEqual(['ada@example.com']);
    expect(mail.parsed.from?.value).toEqual([{ name: 'Front desk', address: 'bookings@locked-in.example' }]);
    expect(mail.parsed.subject).toMatch(/^Booking confirmed: Room 1, /);
    expect(mail.messageId).toBe(`<${await eventId(booking.id, 'booking.confirmed')}@locked-in.example>`);
    expect(mail.parsed.text).toContain('(Europe/Paris time)');
    expect(mail.parsed.text).toContain(`${PUBLIC_URL}/bookings/${booking.id}`);
    const event = readCalendar(mail.parsed.attachments[0]!.content.toString('utf8'));
    expect(event).toMatchObject({ tzid: 'Europe/Paris', localStart: wall(booking.local_start), localEnd: wall(booking.local_end), status: 'CONFIRMED' });
    expect(event.start.toISOString()).toBe(booking.start_date);
  });

  it('serves the calendar file, which says CANCELLED once the booking is', async () => {
    const booking = await confirmed(2, 24);
    const path = `/bookings/${booking.id}/calendar.ics`;
    const file = await api(server, 'GET', path);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="booking-${booking.reference}.ics"`);
    const event = readCalendar(file.body as string);
    expect(event).toMatchObject({
      tzid: 'Europe/Paris',
      timezones: ['Europe/Paris'],
      localStart: wall(booking.local_start),
      status: 'CONFIRMED',
      url: `${PUBLIC_URL}/bookings/${booking.id}`,
      uid: `${booking.id}@book.example.com`,
    });
    expect(event.description).toContain(`Reference: ${booking.reference}`);

    expect((await api(server, 'DELETE', `/bookings/${booking.id}/cancel`)).status).toBe(200);
    const again = readCalendar((await api(server, 'GET', path)).body as string);
    expect(again).toMatchObject({ uid: event.uid, status: 'CANCELLED' });
    expect(again.sequence).toBeGreaterThan(event.sequence);
    const cancellation = await inbox.next('the cancellation, accepted', (m) => about(booking.reference)(m) && m.parsed.subject!.startsWith('Booking cancelled') && m.answeredWith === 250);
    expect(cancellation.parsed.text).toContain('Your booking is cancelled, as you asked');
  });

  it('answers an unknown booking with 404 and a malformed id with 400, as JSON', async () => {
    const unknown = await api(server, 'GET', '/bookings/bk_AAAAAAAAAAAAAAAAAAAAAA/calendar.ics');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'BOOKING_NOT_FOUND' });
    const malformed = await api(server, 'GET', `/bookings/${'x'.repeat(65)}/calendar.ics`);
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'VALIDATION_ERROR' });
    const spaced = await api(server, 'GET', '/bookings/%20bk%20/calendar.ics');
    expect(spaced.status).toBe(400);
    expect(spaced.body).toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('never loses an email to a SIGKILL while the SMTP server holds it: the restarted server sends it again, under the same Message-ID', async () => {
    let release!: (reply: MailReply) => void;
    inbox.answer(() => new Promise<MailReply>((resolve) => (release = resolve)));
    const booking = await confirmed(3, 24);
    const held = await inbox.next('the held confirmation', about(booking.reference));
    expect(await server.stop('SIGKILL')).toBeNull();
    // The connection died with the server: whatever the SMTP server says now reaches no one.
    release({ accept: false, code: 421, message: 'closing' });
    inbox.answer(acceptAll);

    server = await startServer(env);
    const resent = await inbox.next('the confirmation sent again', (m) => about(booking.reference)(m) && m.answeredWith === 250, 20_000);
    expect(resent.index).toBeGreaterThan(held.index);
    expect(resent.messageId).toBe(held.messageId);
    expect(resent.messageId).toBe(`<${await eventId(booking.id, 'booking.confirmed')}@locked-in.example>`);
    expect(inbox.accepted().filter(about(booking.reference))).toHaveLength(1);
  });

  it('hands an email the SMTP server still holds back on SIGTERM, uncounted, and the next start sends it', async () => {
    // An attempt that may take longer than the shutdown's grace (4 s) for the SMTP server to answer.
    expect(await server.stop('SIGTERM')).toBe(0);
    server = await startServer({ ...env, MAIL_TIMEOUT_SECONDS: '30' });
    let release!: (reply: MailReply) => void;
    inbox.answer(() => new Promise<MailReply>((resolve) => (release = resolve)));
    const booking = await confirmed(4, 24);
    await inbox.next('the held confirmation', about(booking.reference));
    expect(await server.stop('SIGTERM')).toBe(0);
    release({ accept: false, code: 421, message: 'closing' });
    inbox.answer(acceptAll);
    const rows = await sql<{ status: string; attempts: number; leased_by: string | null }>(
      db.url,
      `select status, attempts, leased_by from email where booking_id = '${booking.id}'`,
    );
    expect(rows).toEqual([{ status: 'pending', attempts: 0, leased_by: null }]);

    server = await startServer(env);
    await inbox.next('the confirmation, sent after the restart', (m) => about(booking.reference)(m) && m.answeredWith === 250);
  });
});

describe('without SMTP_URL', () => {
  const ctx = useServer({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_READS_PER_MINUTE: '2' });

  it('says so once at start-up, and the calendar file spends from the read budget', async () => {
    const off = (line: string) => line.includes('guest emails are off: SMTP_URL is not set');
    await until('the start-up log names the mail state', () => ctx.server.logs.some(off));
    expect(ctx.server.logs.filter(off)).toHaveLength(1);
    const path = '/bookings/bk_AAAAAAAAAAAAAAAAAAAAAA/calendar.ics';
    expect((await ctx.api('GET', path)).status).toBe(404);
    expect((await ctx.api('GET', path)).status).toBe(404);
    const limited = await ctx.api('GET', path);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
