import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDrivers } from '@escape-room/test-utils/databases';
import { readCalendar } from '@escape-room/test-utils/calendar';
import { acceptAll, refuse, startInbox, type ArrivedMail, type Inbox, type MailReply } from '@escape-room/test-utils/smtp';
import { HoldInput } from '../contract/index.js';
import { ManualClock } from '../domain/clock.js';
import type { Database } from '../db/orm.js';
import { sqlRunner } from '../db/sql.js';
import * as mailSql from '../db/mail-sql.js';
import type { EmailRow } from '../db/mail-sql.js';
import { freshDatabase } from '../test-support.js';
import type { ServiceDeps } from './deps.js';
import { sendDueEmails, type MailOptions } from './mail.js';
import { createBookingService, type BookingApi } from './index.js';

// Guest emails against a real SMTP server on loopback, one round at a time on a manual clock:
// retry schedules pass without waiting for them.

/** 09:00 UTC on Saturday 1 June 2030: 11:00 in Paris (summer time). */
const T0 = Date.UTC(2030, 5, 1, 9, 0);
const HOUR = 3_600_000;
const PUBLIC_URL = 'https://book.example.com';

describe.each(testDrivers())('guest emails on %s', (driver) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let clock: ManualClock;
  let service: BookingApi;
  let deps: ServiceDeps;
  let inbox: Inbox;
  const options = (): MailOptions => ({
    smtpUrl: inbox.url,
    from: { address: 'bookings@example.com' },
    publicUrl: PUBLIC_URL,
    retryDelaysMs: [5_000, 300_000],
    timeoutMs: 2_000,
    log: { info: () => undefined, warn: () => undefined },
  });
  const round = () => sendDueEmails(deps, options());
  const emailsOf = (bookingId: string) => sqlRunner(db).all<EmailRow>(mailSql.emailsOfBooking(bookingId));

  beforeEach(async () => {
    ({ db, dispose } = await freshDatabase(driver));
    clock = new ManualClock(T0);
    deps = { db, clock, policy: { holdMs: 300_000, maxHoldMs: 900_000, maxLiveHoldsPerGuest: 10 }, mail: {}, publicUrl: PUBLIC_URL };
    service = createBookingService(deps);
    await service.updateVenue({ name: 'Locked In Paris', timezone: 'Europe/Paris', currency: 'EUR' });
    inbox = await startInbox();
  });
  afterEach(async () => {
    await inbox.close();
    await dispose();
  });

  const iso = (ms: number) => new Date(ms).toISOString();
  /** A room (room 1: 10.00 a game) on Sunday 2 June 2030 from 11:00 to 12:00 Paris time, for a party of 3. */
  const confirmed = async (name = 'Ada Lovelace', roomId = 1) => {
    const hold = await service.placeHold(
      HoldInput.parse({ room_id: roomId, players: 3, guest: { name, email: 'ada@example.com' }, start_date: iso(T0 + 24 * HOUR), end_date: iso(T0 + 25 * HOUR) }),
    );
    return service.confirmHold(hold.id);
  };
  const eventId = async (bookingId: string, type: string) => (await service.bookingEvents(bookingId)).find((e) => e.type === type)?.id;
  const only = (mails: ArrivedMail[]) => {
    expect(mails).toHaveLength(1);
    return mails[0]!;
  };

  it('emails the guest a confirmation in the venue’s time and currency, with the calendar file attached', async () => {
    const booking = await confirmed();
    expect(await round()).toBe(1);
    const mail = only(inbox.accepted());
    const { parsed } = mail;
    expect(mail.to).toEqual(['ada@example.com']);
    expect(parsed.from?.value).toEqual([{ name: 'Locked In Paris', address: 'bookings@example.com' }]);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : []).toEqual([{ name: 'Ada Lovelace', address: 'ada@example.com' }]);
    expect(parsed.subject).toBe(`Booking confirmed: Room 1, Sunday, 2 June 2030, 11:00–12:00 (ref. ${booking.reference})`);
    expect(mail.messageId).toBe(`<${await eventId(booking.id, 'booking.confirmed')}@example.com>`);

    const manage = `${PUBLIC_URL}/bookings/${booking.id}`;
    const calendarLink = `${PUBLIC_URL}/api/v1/bookings/${booking.id}/calendar.ics`;
    for (const body of [parsed.text ?? '', String(parsed.html)]) {
      expect(body).toContain('Hello Ada Lovelace,');
      expect(body).toContain('Your booking is confirmed');
      expect(body).toContain('Sunday, 2 June 2030, 11:00–12:00 (Europe/Paris time)');
      expect(body).toContain('€10.00');
      expect(body).toContain(booking.reference);
      expect(body).toContain(manage);
      expect(body).toContain(calendarLink);
    }
    expect(parsed.text).toContain('Players: 3');
    expect(String(parsed.html)).not.toMatch(/<img|src=/i);

    const [attachment] = parsed.attachments;
    expect(attachment?.filename).toBe(`booking-${booking.reference}.ics`);
    expect(attachment?.contentType).toBe('text/calendar');
    const event = readCalendar(attachment!.content.toString('utf8'));
    expect(event).toMatchObject({
      tzid: 'Europe/Paris',
      timezones: ['Europe/Paris'],
      localStart: '2030-06-02T11:00:00',
      localEnd: '2030-06-02T12:00:00',
      status: 'CONFIRMED',
      uid: `${booking.id}@book.example.com`,
      url: manage,
      location: 'Room 1, Locked In Paris',
    });
    expect(event.start.toISOString()).toBe(booking.start_date);
    expect(event.description).toContain(`Reference: ${booking.reference}`);
    expect(event.description).toContain('Players: 3');

    const [row] = await emailsOf(booking.id);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
    expect(await round()).toBe(0);
  });

  it('tells a guest who cancelled, and a guest whom the venue cancelled, which it was', async () => {
    const mine = await confirmed();
    await service.cancelBooking(mine.id);
    const theirs = await confirmed('Grace Hopper', 2);
    await service.cancelByVenue(theirs.id, { type: 'admin_key', id: 'ak_front_desk' });
    // One booking's emails go in order: each cancellation waits for its confirmation.
    expect(await round()).toBe(2);
    expect(inbox.accepted().map((m) => m.parsed.subject?.split(':')[0])).toEqual(['Booking confirmed', 'Booking confirmed']);
    expect(await round()).toBe(2);

    const cancellation = (reference: string) => only(inbox.accepted().filter((m) => m.parsed.subject?.startsWith('Booking cancelled') && m.parsed.subject.includes(reference)));
    const byGuest = cancellation(mine.reference);
    expect(byGuest.parsed.text).toContain('Your booking is cancelled, as you asked');
    expect(byGuest.messageId).toBe(`<${await eventId(mine.id, 'booking.cancelled')}@example.com>`);
    expect(byGuest.parsed.attachments).toEqual([]);
    const byVenue = cancellation(theirs.reference);
    expect(byVenue.parsed.text).toContain('Hello Grace Hopper,');
    expect(byVenue.parsed.text).toContain('Locked In Paris has cancelled your booking');
    expect(byVenue.parsed.text).not.toContain('calendar');
  });

  it('escapes what the guest typed in the HTML part', async () => {
    await confirmed('<b>Ada & co</b>');
    await round();
    const { parsed } = only(inbox.accepted());
    expect(String(parsed.html)).toContain('Hello &lt;b&gt;Ada &amp; co&lt;/b&gt;,');
    expect(String(parsed.html)).not.toContain('<b>Ada');
    expect(parsed.text).toContain('Hello <b>Ada & co</b>,');
  });

  it('tries again on the schedule while the SMTP server refuses or is down, then delivers under the same Message-ID', async () => {
    inbox.answer(refuse(451, 'greylisted, try later'));
    const booking = await confirmed();
    expect(await round()).toBe(1);
    expect(await emailsOf(booking.id)).toMatchObject([{ status: 'pending', attempts: 1, next_attempt_at: expect.anything() }]);
    expect(Number((await emailsOf(booking.id))[0]?.next_attempt_at)).toBe(T0 + 5_000);
    expect((await emailsOf(booking.id))[0]?.last_error).toMatch(/451/);

    clock.advance(4_999);
    expect(await round()).toBe(0);
    await inbox.close();
    clock.advance(1);
    expect(await round()).toBe(1); // nobody listening
    expect(await emailsOf(booking.id)).toMatchObject([{ status: 'pending', attempts: 2 }]);
    expect(Number((await emailsOf(booking.id))[0]?.next_attempt_at)).toBe(T0 + 5_000 + 300_000);

    await inbox.reopen();
    inbox.answer(acceptAll);
    clock.advance(300_000);
    expect(await round()).toBe(1);
    expect(await emailsOf(booking.id)).toMatchObject([{ status: 'sent', attempts: 3, last_error: null }]);
    const ids = inbox.arrived.map((m) => m.messageId);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(1);
    expect(inbox.accepted()).toHaveLength(1);
  });

  it('gives up at once on a permanent refusal, and after the schedule on temporary ones', async () => {
    inbox.answer(refuse(550, 'no such mailbox'));
    const bounced = await confirmed();
    await round();
    expect(await emailsOf(bounced.id)).toMatchObject([{ status: 'failed', attempts: 1 }]);

    inbox.answer(refuse(421, 'busy'));
    const deferredBooking = await confirmed('Grace Hopper', 2);
    for (const wait of [0, 5_000, 300_000]) {
      clock.advance(wait);
      expect(await round()).toBe(1);
    }
    expect(await emailsOf(deferredBooking.id)).toMatchObject([{ status: 'failed', attempts: 3 }]);
    clock.advance(HOUR);
    expect(await round()).toBe(0);
  });

  it('owes no email when mail is off', async () => {
    deps = { ...deps, mail: undefined };
    service = createBookingService(deps);
    const booking = await confirmed();
    await service.cancelBooking(booking.id);
    expect(await emailsOf(booking.id)).toEqual([]);
    expect(await round()).toBe(0);
    expect(inbox.arrived).toEqual([]);
  });

  it('sends an email once while its claim is leased, however many rounds run meanwhile', async () => {
    let release!: (reply: MailReply) => void;
    inbox.answer(() => new Promise<MailReply>((resolve) => (release = resolve)));
    await confirmed();
    const first = round();
    await inbox.next('the held confirmation', () => true);
    expect(await round()).toBe(0);
    release({ accept: true });
    expect(await first).toBe(1);
    expect(await round()).toBe(0);
    expect(inbox.arrived).toHaveLength(1);
  });
});
