import { createTransport } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import type { BookingEvent } from '../contract/events.js';
import { isPermanentRefusal, messageId, type EmailStatus } from '../domain/mail-policy.js';
import { retryStep, type DeliveryPolicy } from '../domain/webhook-policy.js';
import * as mailSql from '../db/mail-sql.js';
import type { ClaimedEmailRow } from '../db/mail-sql.js';
import type { ServiceDeps } from './deps.js';
import { leaseMs, startWorker, workDue, type Dispatcher, type LeasedWork } from './lease-worker.js';
import { withDeadline } from './deadline.js';
import { renderGuestEmail } from './mail-content.js';
import { inSqlTransaction } from './transaction.js';

// Sending guest emails: claim due emails under a lease (the same queue rules as webhook
// deliveries), render each from its event, hand it to the SMTP server, record the outcome. At
// least once: a crash between the SMTP server's acceptance and our record sends the email again,
// under the same Message-ID, so the guest's mail system can fold the two.

/** An error as the email's record keeps it (the column's bound). */
const ERROR_CHARS = 1000;

/** Who the emails are from; the display name defaults to the venue's name. */
export interface Sender {
  name?: string | undefined;
  address: string;
}

/** A domain of one or more labels, or a single one such as `localhost`. */
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/i;

/**
 * Reads `bookings@example.com`, `Locked In Paris <bookings@example.com>` or
 * `"Locked In, Paris" <bookings@example.com>` with nodemailer's own address parser; undefined
 * unless it is exactly one mailbox whose domain can name Message-IDs.
 */
export function parseSender(text: string): Sender | undefined {
  const parsed = addressparser(text);
  const [mailbox] = parsed;
  // The parser is lenient: `a@b c@d` reads as the address a@b named "c@d". A name with an @ is
  // far likelier a second address than a name, so it is refused.
  if (parsed.length !== 1 || !mailbox?.address || mailbox.name.includes('@')) return undefined;
  const at = mailbox.address.lastIndexOf('@');
  if (at < 1 || !DOMAIN.test(mailbox.address.slice(at + 1))) return undefined;
  // An empty display name (`<bookings@example.com>`) is none: the venue's name stands in.
  return { name: mailbox.name === '' ? undefined : mailbox.name, address: mailbox.address };
}

export interface MailOptions extends DeliveryPolicy {
  /** smtp://user:pass@host:587 or smtps://…, as nodemailer reads it. */
  smtpUrl: string;
  from: Sender;
  /** The base URL guests reach the server at, for the links in the emails. */
  publicUrl: string;
  log: { info(fields: object, message: string): void; warn(fields: object, message: string): void };
}

export interface MailDispatchOptions extends MailOptions {
  concurrency: number;
  pollMs: number;
}

type Outcome = { sent: true } | { sent: false; error: string; permanent: boolean };

/** An SMTP server's answer to a failed send, as nodemailer reports it. */
interface SmtpError {
  message?: string;
  responseCode?: number;
  command?: string;
}

function transport(options: MailOptions) {
  return createTransport({
    url: options.smtpUrl,
    // Each stage may take an attempt's time: a server that stops answering fails the attempt,
    // and the email goes again on the schedule.
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  });
}
type Transport = ReturnType<typeof transport>;

/**
 * The send's outcome, or 'stopped' once `signal` fires first. A send nodemailer cannot abort is
 * left to finish on its own: if the server accepts it after all, the next attempt's copy carries
 * the same Message-ID.
 */
async function until<T>(sending: Promise<T>, signal: AbortSignal): Promise<T | 'stopped'> {
  let onAbort: () => void = () => undefined;
  const stopped = new Promise<'stopped'>((resolve) => {
    onAbort = () => resolve('stopped');
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([sending, stopped]);
  } finally {
    // One send's listener must not outlive it on the dispatcher's long-lived shutdown signal.
    signal.removeEventListener('abort', onAbort);
  }
}

async function send(options: MailOptions, smtp: Transport, row: ClaimedEmailRow, cancel?: AbortSignal): Promise<Outcome | 'aborted'> {
  const event = JSON.parse(row.payload) as BookingEvent;
  const email = renderGuestEmail(event, { name: row.venue_name, timezone: row.timezone }, options.publicUrl);
  const domain = options.from.address.slice(options.from.address.lastIndexOf('@') + 1);
  const sending = smtp
    .sendMail({
      from: { name: options.from.name ?? row.venue_name, address: options.from.address },
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: messageId(event.id, domain),
      date: new Date(event.created_at),
      attachments: email.attachment
        ? [{ filename: email.attachment.filename, content: email.attachment.content, contentType: 'text/calendar; charset=utf-8; method=PUBLISH' }]
        : [],
    })
    .then(
      (): Outcome => ({ sent: true }),
      (error: unknown): Outcome => {
        const refusal = (error ?? {}) as SmtpError;
        return {
          sent: false,
          error: (refusal.message ?? 'the SMTP server refused the email').slice(0, ERROR_CHARS),
          permanent: isPermanentRefusal(refusal.responseCode, refusal.command),
        };
      },
    );
  // Connecting and the answers each take up to timeoutMs: the whole attempt is held to two, inside its lease.
  const outcome = await withDeadline(options.timeoutMs * 2, cancel, (signal) => until(sending, signal));
  if (outcome !== 'stopped') return outcome;
  return cancel?.aborted ? 'aborted' : { sent: false, error: 'the SMTP server did not answer in time', permanent: false };
}

/** Where an email goes after its `attempt`-th attempt: sent, failed for good, or due again on the schedule. */
function nextOf(options: MailOptions, attempt: number, outcome: Outcome, now: number): { status: EmailStatus; at: number | null } {
  if (outcome.sent) return { status: 'sent', at: null };
  const retry = outcome.permanent ? null : retryStep(options, attempt, now);
  return retry?.status === 'pending' ? retry : { status: 'failed', at: null };
}

/** Records an attempt and where the email goes next, under the claim's lease. */
async function record(deps: ServiceDeps, options: MailOptions, row: ClaimedEmailRow, token: string, outcome: Outcome): Promise<void> {
  const now = deps.clock.now();
  const id = Number(row.id);
  const next = nextOf(options, row.attempts + 1, outcome, now);
  await inSqlTransaction(deps.db, async (sql) => {
    await sql.run(mailSql.noteAttempt(id, token, outcome.sent ? { error: null, sentAt: now } : { error: outcome.error, sentAt: null }));
    await sql.run(mailSql.finish(id, token, next, now));
  });
  // Ids only: a guest's address never reaches the log.
  const fields = { email_id: id, attempts: row.attempts + 1, status: next.status };
  if (outcome.sent) options.log.info(fields, 'guest email sent');
  else options.log.warn({ ...fields, next_attempt_at: next.at }, 'guest email not sent');
}

async function attempt(deps: ServiceDeps, options: MailOptions, smtp: Transport, row: ClaimedEmailRow, token: string, cancel?: AbortSignal): Promise<void> {
  let outcome: Outcome | 'aborted';
  try {
    outcome = await send(options, smtp, row, cancel);
  } catch (error) {
    // Rendering failed: a fault of ours, which the schedule gives time to be fixed.
    outcome = { sent: false, error: String(error instanceof Error ? error.message : error).slice(0, ERROR_CHARS), permanent: false };
  }
  if (outcome === 'aborted') return;
  try {
    await record(deps, options, row, token, outcome);
  } catch (error) {
    // The lease runs out and the email goes again: at least once.
    options.log.warn({ err: error, email_id: row.id }, 'could not record a guest email attempt; it will be retried');
  }
}

function emails(deps: ServiceDeps, options: MailOptions): LeasedWork<ClaimedEmailRow> {
  const smtp = transport(options);
  return {
    statements: mailSql.queue,
    claimed: mailSql.claimed,
    leaseMs: leaseMs(options),
    attempt: (row, token, cancel) => attempt(deps, options, smtp, row, token, cancel),
    close: () => smtp.close(),
  };
}

/** Claims the emails due now and sends them, all of it before resolving; returns how many attempts it made. */
export function sendDueEmails(deps: ServiceDeps, options: MailOptions, limit = 100): Promise<number> {
  return workDue(deps, emails(deps, options), limit);
}

/** Sends guest emails on this instance: woken by its own commits, polling for the rest. */
export function startMailDispatcher(deps: ServiceDeps, options: MailDispatchOptions): Dispatcher {
  return startWorker(deps, emails(deps, options), { what: 'guest emails', concurrency: options.concurrency, pollMs: options.pollMs, log: options.log });
}
