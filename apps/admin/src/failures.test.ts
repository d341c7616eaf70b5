import { describe, expect, it } from 'vitest';
import { BookingApiError, ERROR_STATUS, type BookingErrorCode } from '@escape-room/sdk';
import { EXIT, describeFailure } from './failures.js';

const API = 'http://127.0.0.1:3000';
const failure = (code: BookingErrorCode, issues: { path: string; message: string }[] = []) =>
  describeFailure(new BookingApiError(code, `the API's words for ${code}`, 409, issues), API);

describe('the CLI message and exit code of each failure', () => {
  it('keeps the exit codes scripts rely on', () => {
    expect(failure('NETWORK_ERROR').exitCode).toBe(EXIT.unreachable);
    expect(failure('FORBIDDEN').exitCode).toBe(EXIT.unauthorized);
    expect(failure('BOOKING_NOT_FOUND').exitCode).toBe(EXIT.notFound);
    expect(failure('VALIDATION_ERROR', [{ path: 'players', message: 'Too big' }])).toEqual({
      message: 'The API rejected the input:\n  players: Too big',
      exitCode: EXIT.usage,
    });
    expect(failure('SLOT_UNAVAILABLE')).toEqual({ message: "SLOT_UNAVAILABLE: the API's words for SLOT_UNAVAILABLE", exitCode: EXIT.failed });
  });

  it.each([
    ['TOO_MANY_HOLDS', 'replaces'],
    ['CANCELLATION_WINDOW_CLOSED', 'bookings cancel'],
    ['PARTY_SIZE_NOT_ALLOWED', 'rooms list'],
    ['NOT_A_SESSION', 'sessions --date'],
    ['TOO_SOON', 'venue show'],
    ['TOO_FAR_AHEAD', 'venue show'],
  ] as const)('says what to do about %s', (code, command) => {
    const { message, exitCode } = failure(code);
    expect(exitCode).toBe(EXIT.failed);
    expect(message).toContain(`${code}: the API's words for ${code}\n`);
    expect(message).toContain(command);
  });

  it('has an exit code for every code of the contract', () => {
    for (const code of Object.keys(ERROR_STATUS) as BookingErrorCode[]) {
      expect(Object.values(EXIT), code).toContain(failure(code).exitCode);
    }
  });
});
