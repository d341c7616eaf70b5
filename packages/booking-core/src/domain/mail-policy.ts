import type { BookingStatus, EventType } from '../contract/index.js';

// The rules of guest emails and calendar files, as pure functions. When an email is retried is
// webhook-policy.ts's schedule (nextStep), the same as for webhooks.

/** The events a guest is emailed about. */
export const EMAILED_EVENTS: readonly EventType[] = ['booking.confirmed', 'booking.cancelled'];
export const isEmailed = (type: EventType): boolean => EMAILED_EVENTS.includes(type);

export const EMAIL_STATUSES = ['pending', 'sent', 'failed'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

/**
 * A 5xx answer to the message itself (its sender, recipient or content) will be the same next
 * time: the email fails at once. Anything else (4xx, a refused or dropped connection, a timeout,
 * a refused login that the operator may yet fix) is tried again on the schedule.
 */
export function isPermanentRefusal(responseCode: number | undefined, command: string | undefined): boolean {
  if (responseCode === undefined || responseCode < 500 || responseCode > 599) return false;
  return command === undefined || /^(MAIL FROM|RCPT TO|DATA)/i.test(command);
}

/**
 * The Message-ID of the email of one event: the same on every attempt, so a receiving system
 * folds the duplicate a crash between the SMTP server's acceptance and our record may cause.
 */
export const messageId = (eventId: string, fromDomain: string): string => `<${eventId}@${fromDomain}>`;

/**
 * What a calendar shows for a booking. Only a confirmed booking is a firm appointment; a live
 * hold is tentative; a cancelled, released or expired one is CANCELLED, so a calendar that
 * fetches the file again drops the event rather than keep a slot the guest no longer has.
 */
export function calendarStatus(status: BookingStatus): 'CONFIRMED' | 'TENTATIVE' | 'CANCELLED' {
  switch (status) {
    case 'confirmed':
      return 'CONFIRMED';
    case 'pending':
      return 'TENTATIVE';
    case 'cancelled':
    case 'released':
    case 'expired':
      return 'CANCELLED';
  }
}
