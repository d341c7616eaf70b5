import { describe, expect, it } from 'vitest';
import { HoldInput } from './bookings.js';
import { InstantInput, parseIsoInstant } from './time.js';

describe('parseIsoInstant', () => {
  it('reads Z, offsets and zone-less times (as UTC) to the same instant', () => {
    const utc = Date.UTC(2030, 0, 31, 18, 0, 0);
    expect(parseIsoInstant('2030-01-31T18:00:00Z')).toBe(utc);
    expect(parseIsoInstant('2030-01-31T19:00:00+01:00')).toBe(utc);
    expect(parseIsoInstant('2030-01-31T13:30:00-0430')).toBe(utc);
    expect(parseIsoInstant('2030-01-31T18:00:00')).toBe(utc);
    expect(parseIsoInstant('2030-01-31T18:00')).toBe(utc);
    expect(parseIsoInstant('2030-01-31T18:00:00.000Z')).toBe(utc);
  });

  it('rejects impossible calendar dates instead of rolling them over', () => {
    expect(parseIsoInstant('2030-02-30T10:00:00Z')).toBeNull();
    expect(parseIsoInstant('2030-02-29T10:00:00Z')).toBeNull();
    expect(parseIsoInstant('2028-02-29T10:00:00Z')).toBe(Date.UTC(2028, 1, 29, 10));
    expect(parseIsoInstant('2030-13-01T10:00:00Z')).toBeNull();
    expect(parseIsoInstant('2030-01-01T24:00:00Z')).toBeNull();
    expect(parseIsoInstant('2030-01-01T10:60:00Z')).toBeNull();
  });

  it('rejects text that is not ISO-8601', () => {
    for (const text of ['', 'tomorrow', '1700000000', '2030/01/01', '2030-01-01T10:00:00+25:00', '99999-01-01']) {
      expect(parseIsoInstant(text), text).toBeNull();
    }
  });
});

describe('InstantInput', () => {
  it('normalises to epoch milliseconds and explains failures', () => {
    expect(InstantInput.parse('2030-01-31T19:00:00+01:00')).toBe(Date.UTC(2030, 0, 31, 18));
    const result = InstantInput.safeParse('2030-02-30T10:00:00Z');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/ISO-8601/);
  });
});

describe('HoldInput', () => {
  const valid = {
    room_id: 1,
    guest: { name: '  Ada  ', email: ' ada@example.com ' },
    start_date: '2030-01-31T18:00:00Z',
    end_date: '2030-01-31T19:00:00Z',
  };

  it('trims the guest and accepts a one-hour slot', () => {
    const parsed = HoldInput.parse(valid);
    expect(parsed.guest).toEqual({ name: 'Ada', email: 'ada@example.com' });
    expect(parsed.end_date - parsed.start_date).toBe(3_600_000);
  });

  it('names the offending fields', () => {
    const cases: [object, string][] = [
      [{ ...valid, room_id: '1' }, 'room_id'],
      [{ ...valid, room_id: true }, 'room_id'],
      [{ ...valid, room_id: 0 }, 'room_id'],
      [{ ...valid, room_id: 1e20 }, 'room_id'],
      [{ ...valid, guest: { ...valid.guest, name: '   ' } }, 'guest.name'],
      [{ ...valid, guest: { ...valid.guest, name: 'x'.repeat(201) } }, 'guest.name'],
      [{ ...valid, guest: { ...valid.guest, email: 'not-an-email' } }, 'guest.email'],
      [{ ...valid, guest: { ...valid.guest, email: `${'a'.repeat(250)}@example.com` } }, 'guest.email'],
      [{ ...valid, end_date: valid.start_date }, 'end_date'],
      [{ ...valid, end_date: '2030-02-01T18:00:01Z' }, 'end_date'],
    ];
    for (const [input, path] of cases) {
      const result = HoldInput.safeParse(input);
      expect(result.success, path).toBe(false);
      expect(result.error?.issues.map((i) => i.path.join('.')), path).toContain(path);
    }
  });
});
