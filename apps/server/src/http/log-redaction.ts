import { stdSerializers } from 'pino';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** Replaces anything that looks like an email address: guest addresses never reach a log. */
export function redactEmails(text: string): string {
  return text.replace(EMAIL, '[email]');
}

/**
 * Errors are logged with their message and stack, and database errors quote the statement
 * with its values, a guest's address included; this serializer scrubs them.
 */
export function redactingErrorSerializer(error: Error): ReturnType<typeof stdSerializers.err> {
  return JSON.parse(redactEmails(JSON.stringify(stdSerializers.err(error)))) as ReturnType<typeof stdSerializers.err>;
}
