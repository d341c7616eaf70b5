import type { BookingEvent } from '../contract/events.js';
import { calendarFileName, guestLinks } from '../contract/links.js';
import { bookingCalendar, type CalendarVenue } from './calendar.js';

// What a guest email says, rendered from the event's booking snapshot and the venue as it was
// when the event was recorded: every attempt of one email renders the same message.

/** Emails speak British English: 24-hour times, day before month. */
const LOCALE = 'en-GB';

export interface GuestEmail {
  subject: string;
  text: string;
  html: string;
  to: { name: string; address: string };
  /** The calendar file, on a confirmation. */
  attachment: { filename: string; content: string } | null;
}

/** Everything a guest typed (their name) and everything staff typed (room and venue names) goes through this. */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** "Saturday 1 March 2030, 19:00–20:00", in the venue's time zone. */
function when(start: string, end: string, timeZone: string): string {
  const day = new Intl.DateTimeFormat(LOCALE, { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  const time = new Intl.DateTimeFormat(LOCALE, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return `${day.format(new Date(start))}, ${time.format(new Date(start))}–${time.format(new Date(end))}`;
}

const money = (amount: number, currency: string) => new Intl.NumberFormat(LOCALE, { style: 'currency', currency }).format(amount);

/** Renders the email of an emailed event (see EMAILED_EVENTS). */
export function renderGuestEmail(event: BookingEvent, venue: CalendarVenue, publicUrl: string): GuestEmail {
  const { booking } = event.data;
  const links = guestLinks(publicUrl, booking.id);
  const confirmed = event.type === 'booking.confirmed';
  const byGuest = event.actor.type === 'guest';
  const headline = confirmed
    ? 'Your booking is confirmed'
    : byGuest
      ? 'Your booking is cancelled, as you asked'
      : `${venue.name} has cancelled your booking`;
  const followUp = confirmed
    ? 'The calendar file is attached; you can also add it from the link below.'
    : byGuest
      ? 'Nothing more is needed from you.'
      : 'We are sorry for the inconvenience; please contact the venue about another date or a refund.';
  const details: [string, string][] = [
    ['Room', booking.room.name],
    ['Date and time', `${when(booking.start_date, booking.end_date, venue.timezone)} (${venue.timezone} time)`],
    ['Players', String(booking.players)],
    ['Total', money(booking.price.total, booking.price.currency)],
    ['Reference', booking.reference],
  ];
  const greeting = `Hello ${booking.guest.name},`;
  const text = [
    greeting,
    '',
    `${headline}: ${booking.room.name} at ${venue.name}.`,
    '',
    ...details.map(([label, value]) => `${label}: ${value}`),
    '',
    followUp,
    '',
    `Manage your booking: ${links.manage}`,
    ...(confirmed ? [`Add to your calendar: ${links.calendar}`] : []),
    '',
    venue.name,
    '',
  ].join('\n');
  const link = (href: string, label: string) => `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;
  const html = [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(headline)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.5; color: #222">',
    `<p>${escapeHtml(greeting)}</p>`,
    `<p><strong>${escapeHtml(headline)}</strong>: ${escapeHtml(booking.room.name)} at ${escapeHtml(venue.name)}.</p>`,
    '<table style="border-collapse: collapse">',
    ...details.map(([label, value]) => `<tr><th style="text-align: left; padding: 2px 12px 2px 0">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`),
    '</table>',
    `<p>${escapeHtml(followUp)}</p>`,
    `<p>${link(links.manage, 'Manage your booking')}${confirmed ? ` · ${link(links.calendar, 'Add to your calendar')}` : ''}</p>`,
    `<p>${escapeHtml(venue.name)}</p>`,
    '</body></html>',
  ].join('\n');
  const subject = `${confirmed ? 'Booking confirmed' : 'Booking cancelled'}: ${booking.room.name}, ${when(booking.start_date, booking.end_date, venue.timezone)} (ref. ${booking.reference})`;
  return {
    subject,
    text,
    html,
    to: { name: booking.guest.name, address: booking.guest.email },
    attachment: confirmed
      ? { filename: calendarFileName(booking.reference), content: bookingCalendar(booking, venue, publicUrl, new Date(event.created_at)) }
      : null,
  };
}
