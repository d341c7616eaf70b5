import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SQLITE_SYNCHRONOUS_MODES, parseDatabaseUrl, type DatabaseTarget } from '@escape-room/booking-core/db';
import { DEFAULT_MAX_LIVE_HOLDS_PER_GUEST, DEFAULT_RETRY_SCHEDULE_SECONDS } from '@escape-room/booking-core/domain';
import { DEFAULT_EVENT_RETENTION_DAYS, parseSender, type MailSender } from '@escape-room/booking-core/service';

/** The repository root: data/ lives there whether we run from src (tsx) or dist (node). */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** An optional variable; set but empty (`VAR=`) counts as unset, as shells and .env files mean it. */
function optional<T extends z.ZodType<string>>(schema: T) {
  return schema.optional().or(z.literal('').transform(() => undefined));
}

/** How long one attempt (a webhook POST, an email handed to the SMTP server) may take, in seconds. */
const attemptTimeoutSeconds = () => z.coerce.number().positive().max(300).default(15);

/** Delays in seconds before each retry, comma-separated; unset or empty means the default schedule. Read as milliseconds. */
const retrySchedule = () =>
  optional(z.string().regex(/^\s*\d+(\.\d+)?\s*(,\s*\d+(\.\d+)?\s*)*$/, 'expected delays in seconds, comma-separated, such as 5,300,1800'))
    .transform((list) => (list ?? DEFAULT_RETRY_SCHEDULE_SECONDS.join(',')).split(',').map(Number))
    .pipe(
      z
        .array(z.number().max(7 * 86_400, 'a retry waits at most 7 days'))
        .max(50, 'at most 50 retries')
        .transform((delays) => delays.map((seconds) => Math.round(seconds * 1000))),
    );

/**
 * The origin guests reach the server at, as links start with it: http(s), a host, maybe a port,
 * and nothing after (a trailing slash is dropped); no credentials, path, query or fragment.
 */
function publicUrl(text: string, ctx: z.RefinementCtx): string {
  const refuse = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse('expected a URL such as https://bookings.example.com');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return refuse('expected an http:// or https:// URL');
  if (url.username || url.password) return refuse('must not carry credentials');
  if (url.pathname !== '/' || url.search || url.hash || /[?#]/.test(text)) return refuse('expected only scheme, host and port, with no path, query or fragment');
  return url.origin;
}

const DEFAULT_MAIL_FROM: MailSender = { name: undefined, address: 'bookings@localhost' };

function mailbox(text: string, ctx: z.RefinementCtx): MailSender {
  const sender = parseSender(text);
  if (sender) return sender;
  ctx.addIssue({ code: 'custom', message: 'expected an address such as bookings@example.com or "Locked In Paris <bookings@example.com>"' });
  return z.NEVER;
}

/** A comma-separated list of origins, each checked by `origin`; empty by default. */
function originList(origin: z.ZodType<string, string>) {
  return z
    .string()
    .default('')
    .transform((list) => list.split(',').map((entry) => entry.trim()).filter(Boolean))
    .pipe(z.array(origin));
}

function envSchema(baseDir: string) {
  return z
    .object({
      PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
      HOST: z.string().min(1).default('127.0.0.1'),
      DATABASE_URL: z
        .string()
        .default(`sqlite:${REPO_ROOT}data/escape-room.sqlite`)
        .transform((url, ctx): DatabaseTarget => {
          const target = parseDatabaseUrl(url, baseDir);
          if (typeof target === 'string') {
            ctx.addIssue({ code: 'custom', message: target });
            return z.NEVER;
          }
          return target;
        }),
      BOOKING_HOLD_MINUTES: z.coerce.number().positive().max(24 * 60).default(5),
      BOOKING_HOLD_MAX_MINUTES: z.coerce.number().positive().max(24 * 60).default(15),
      MAX_LIVE_HOLDS_PER_GUEST: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_MAX_LIVE_HOLDS_PER_GUEST),
      SWEEP_INTERVAL_SECONDS: z.coerce.number().min(0).max(86_400).default(30),
      ADMIN_API_KEY: optional(z.string().min(16, 'must be at least 16 characters')),
      LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
      RATE_LIMIT_ENABLED: z.stringbool().default(true),
      RATE_LIMIT_READS_PER_MINUTE: z.coerce.number().int().positive().default(600),
      RATE_LIMIT_WRITES_PER_MINUTE: z.coerce.number().int().positive().default(120),
      RATE_LIMIT_HOLDS_PER_MINUTE: z.coerce.number().int().positive().default(30),
      REDIS_URL: optional(z.string().regex(/^rediss?:\/\//, 'expected redis://host:port')),
      CORS_ORIGINS: originList(z.url({ message: 'expected comma-separated origins such as https://shop.example.com' })),
      // Pages that may show the guest booking page in a frame. Each goes into a CSP header, so
      // only a bare origin passes (no path, and nothing that could end the directive).
      FRAME_ANCESTORS: originList(
        z.url().regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, { message: 'expected comma-separated origins such as https://shop.example.com' }),
      ),
      ROOMS_FILE: z.string().default(`${REPO_ROOT}data/rooms.json`),
      VENUE_FILE: z.string().default(`${REPO_ROOT}data/venue.json`),
      SQLITE_SYNCHRONOUS: z.enum(SQLITE_SYNCHRONOUS_MODES).default('normal'),
      CHECK_OUTPUTS: z.stringbool().default(false),
      EVENT_RETENTION_DAYS: z.coerce.number().positive().max(36_500).default(DEFAULT_EVENT_RETENTION_DAYS),
      WEBHOOK_ALLOW_HTTP: z.stringbool().default(false),
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: z.stringbool().default(false),
      WEBHOOK_TIMEOUT_SECONDS: attemptTimeoutSeconds(),
      WEBHOOK_RETRY_SCHEDULE: retrySchedule(),
      PUBLIC_URL: optional(z.string()).transform((url, ctx) => (url === undefined ? undefined : publicUrl(url, ctx))),
      SMTP_URL: optional(z.url({ protocol: /^smtps?$/, error: 'expected smtp://user:password@host:587 or smtps://…' })),
      MAIL_FROM: optional(z.string()).transform((from, ctx) => (from === undefined ? DEFAULT_MAIL_FROM : mailbox(from, ctx))),
      MAIL_TIMEOUT_SECONDS: attemptTimeoutSeconds(),
      MAIL_RETRY_SCHEDULE: retrySchedule(),
    })
    .transform((env) => {
      const target = env.DATABASE_URL;
      // Unset, the public URL is this server as a browser on the same machine reaches it.
      const withUrl = { ...env, PUBLIC_URL: env.PUBLIC_URL ?? `http://localhost:${env.PORT}` };
      return target.driver === 'sqlite' ? { ...withUrl, DATABASE_URL: { ...target, synchronous: env.SQLITE_SYNCHRONOUS } } : withUrl;
    });
}

export type Config = z.output<ReturnType<typeof envSchema>>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads the configuration once, at start-up. The default database lives in the repo's data/;
 * a relative SQLite path you give resolves against the directory you ran the command from
 * (pnpm keeps it in INIT_CWD, since scripts run inside the package), else the repo root.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const baseDir = env.INIT_CWD ?? REPO_ROOT;
  const result = envSchema(baseDir).safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** Ends a command-line entry point with a readable message instead of a stack trace. */
export function exitWithError(error: unknown): never {
  const message = error instanceof ConfigError ? error.message : `Failed to start: ${error instanceof Error ? error.stack : String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
