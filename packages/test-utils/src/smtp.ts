import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

// A real SMTP server on loopback for the tests: it records every message handed to it and
// answers as the test scripts it (accept, refuse with a code, or keep the sender waiting).

/** One message a client handed over (its DATA), as it arrived. */
export interface ArrivedMail {
  /** 0-based, in order of arrival. */
  index: number;
  /** The envelope's recipients (RCPT TO). */
  to: string[];
  raw: string;
  parsed: ParsedMail;
  /** The Message-ID header, with its angle brackets. */
  messageId: string | undefined;
  /** 250 once accepted, the refusal's code, or null while the script has not answered. */
  answeredWith: number | null;
}

/** How the server answers one message; a promise that settles later keeps the client waiting that long. */
export type MailReply = { accept: true } | { accept: false; code: number; message: string };
export type MailScript = (mail: ArrivedMail) => MailReply | Promise<MailReply>;

export const acceptAll: MailScript = () => ({ accept: true });
export const refuse =
  (code: number, message = 'try again later'): MailScript =>
  () => ({ accept: false, code, message });

export interface Inbox {
  port: number;
  /** smtp://127.0.0.1:<port>, for SMTP_URL. */
  url: string;
  /** Every message handed over, refused ones included. */
  arrived: ArrivedMail[];
  /** The accepted ones. */
  accepted(): ArrivedMail[];
  /** Replaces how the server answers from now on (messages already waiting keep their answer). */
  answer(script: MailScript): void;
  /**
   * The first message, past or future, that `matches` (accepted or not); rejects naming `what`
   * after `timeoutMs`, so a missing email fails the test with a reason instead of hanging it.
   */
  next(what: string, matches: (mail: ArrivedMail) => boolean, timeoutMs?: number): Promise<ArrivedMail>;
  /** Stops listening and drops every connection, messages left waiting included. */
  close(): Promise<void>;
  /** Listens again on the same port (after close()). */
  reopen(): Promise<void>;
}

export async function startInbox(script: MailScript = acceptAll, port = 0): Promise<Inbox> {
  const arrived: ArrivedMail[] = [];
  let current = script;
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const waiter of [...waiters]) waiter();
  };

  const create = () =>
    new SMTPServer({
      // Plain SMTP on loopback: no TLS upgrade to trip a client over a self-signed certificate, no login.
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      logger: false,
      // close() lets a client mid-message go at once rather than after the default 30 s.
      closeTimeout: 100,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          void simpleParser(raw).then(async (parsed) => {
            const mail: ArrivedMail = {
              index: arrived.length,
              to: session.envelope.rcptTo.map((r) => r.address),
              raw,
              parsed,
              messageId: parsed.messageId,
              answeredWith: null,
            };
            arrived.push(mail);
            changed();
            const reply = await current(mail);
            if (reply.accept) {
              mail.answeredWith = 250;
              callback(null, 'queued');
            } else {
              mail.answeredWith = reply.code;
              callback(Object.assign(new Error(reply.message), { responseCode: reply.code }));
            }
            changed();
          });
        });
      },
    });

  let server = create();
  const listen = (on: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(on, '127.0.0.1', () => {
        server.off('error', reject);
        // Clients the tests kill mid-conversation reset their connections: that is the point, not a failure.
        server.on('error', () => undefined);
        resolve((server.server.address() as AddressInfo).port);
      });
    });
  const bound = await listen(port);

  return {
    port: bound,
    url: `smtp://127.0.0.1:${bound}`,
    arrived,
    accepted: () => arrived.filter((m) => m.answeredWith === 250),
    answer(next) {
      current = next;
    },
    next(what, matches, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = arrived.find(matches);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${what} within ${timeoutMs} ms (${arrived.length} messages arrived)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
    async reopen() {
      server = create();
      await listen(bound);
    },
  };
}
