import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('gives a SQLite database synchronous=normal unless SQLITE_SYNCHRONOUS says full', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite:/tmp/a.sqlite' }).DATABASE_URL).toEqual({ driver: 'sqlite', path: '/tmp/a.sqlite', synchronous: 'normal' });
    expect(loadConfig({ DATABASE_URL: 'sqlite:/tmp/a.sqlite', SQLITE_SYNCHRONOUS: 'full' }).DATABASE_URL).toMatchObject({ synchronous: 'full' });
  });

  it('leaves a PostgreSQL target alone', () => {
    const url = 'postgres://postgres@127.0.0.1:5432/bookings';
    expect(loadConfig({ DATABASE_URL: url, SQLITE_SYNCHRONOUS: 'full' }).DATABASE_URL).toEqual({ driver: 'postgresql', url });
  });

  it('names the variable when SQLITE_SYNCHRONOUS is not a known mode', () => {
    expect(() => loadConfig({ SQLITE_SYNCHRONOUS: 'off' })).toThrow(ConfigError);
    expect(() => loadConfig({ SQLITE_SYNCHRONOUS: 'off' })).toThrow(/SQLITE_SYNCHRONOUS/);
  });

  it('delivers webhooks on the Standard Webhooks schedule, to https on public addresses, unless told otherwise', () => {
    const defaults = loadConfig({});
    expect(defaults.WEBHOOK_RETRY_SCHEDULE).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000, 72_000_000, 86_400_000]);
    expect([defaults.WEBHOOK_ALLOW_HTTP, defaults.WEBHOOK_ALLOW_PRIVATE_NETWORKS, defaults.WEBHOOK_TIMEOUT_SECONDS, defaults.EVENT_RETENTION_DAYS]).toEqual([false, false, 15, 90]);
    expect(loadConfig({ WEBHOOK_RETRY_SCHEDULE: '' }).WEBHOOK_RETRY_SCHEDULE).toEqual(defaults.WEBHOOK_RETRY_SCHEDULE);
    expect(loadConfig({ WEBHOOK_RETRY_SCHEDULE: ' 0.25, 1,60 ' }).WEBHOOK_RETRY_SCHEDULE).toEqual([250, 1_000, 60_000]);
    expect(loadConfig({ WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' })).toMatchObject({ WEBHOOK_ALLOW_HTTP: true, WEBHOOK_ALLOW_PRIVATE_NETWORKS: true });
  });

  it.each(['5,300,', '5,,300', 'soon', '-5', '5 300', '700000'])('refuses WEBHOOK_RETRY_SCHEDULE=%j, naming it', (schedule) => {
    expect(() => loadConfig({ WEBHOOK_RETRY_SCHEDULE: schedule })).toThrow(/WEBHOOK_RETRY_SCHEDULE/);
  });

  it('sends no guest email unless SMTP_URL is set, from bookings@localhost under the venue name unless MAIL_FROM says otherwise', () => {
    const defaults = loadConfig({});
    expect([defaults.SMTP_URL, defaults.PUBLIC_URL, defaults.MAIL_FROM]).toEqual([undefined, 'http://localhost:3000', { name: undefined, address: 'bookings@localhost' }]);
    expect(loadConfig({ PORT: '8080' }).PUBLIC_URL).toBe('http://localhost:8080');
    expect(loadConfig({ SMTP_URL: '' }).SMTP_URL).toBeUndefined();
    expect(loadConfig({ SMTP_URL: 'smtps://user:secret@mail.example.com:465' }).SMTP_URL).toBe('smtps://user:secret@mail.example.com:465');
    expect(loadConfig({ MAIL_FROM: 'Locked In Paris <bookings@locked-in.example>' }).MAIL_FROM).toEqual({ name: 'Locked In Paris', address: 'bookings@locked-in.example' });
    expect(loadConfig({ MAIL_FROM: '"Locked In, Paris" <b@example.com>' }).MAIL_FROM).toEqual({ name: 'Locked In, Paris', address: 'b@example.com' });
    expect(loadConfig({ MAIL_FROM: ' desk@example.com ' }).MAIL_FROM).toEqual({ name: undefined, address: 'desk@example.com' });
    expect(loadConfig({ MAIL_TIMEOUT_SECONDS: '2', MAIL_RETRY_SCHEDULE: '1,2' })).toMatchObject({ MAIL_TIMEOUT_SECONDS: 2, MAIL_RETRY_SCHEDULE: [1_000, 2_000] });
  });

  it('keeps the origin of PUBLIC_URL, without a trailing slash', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://Book.Example.com/' }).PUBLIC_URL).toBe('https://book.example.com');
    expect(loadConfig({ PUBLIC_URL: 'http://127.0.0.1:8080' }).PUBLIC_URL).toBe('http://127.0.0.1:8080');
  });

  it.each([
    ['PUBLIC_URL', 'book.example.com'],
    ['PUBLIC_URL', 'ftp://book.example.com'],
    ['PUBLIC_URL', 'https://book.example.com/shop'],
    ['PUBLIC_URL', 'https://book.example.com/?utm=1'],
    ['PUBLIC_URL', 'https://admin:pw@book.example.com'],
    ['SMTP_URL', 'http://mail.example.com'],
    ['SMTP_URL', 'mail.example.com:587'],
    ['MAIL_FROM', 'bookings'],
    ['MAIL_FROM', 'Desk <desk@>'],
    ['MAIL_FROM', 'a@b c@d'],
  ])('refuses %s=%j, naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });

  it('reads FRAME_ANCESTORS as a list of bare origins, empty by default', () => {
    expect(loadConfig({}).FRAME_ANCESTORS).toEqual([]);
    expect(loadConfig({ FRAME_ANCESTORS: ' https://shop.example.com, http://127.0.0.1:8080 ' }).FRAME_ANCESTORS).toEqual([
      'https://shop.example.com',
      'http://127.0.0.1:8080',
    ]);
  });

  // Each origin lands in a CSP header: a path, a wildcard or a directive break would widen it.
  it.each(['shop.example.com', 'https://shop.example.com/embed', "https://a.example;script-src 'unsafe-inline'", 'https://*.example.com', 'ftp://files.example.com'])(
    'refuses FRAME_ANCESTORS=%j, naming it',
    (origins) => {
      expect(() => loadConfig({ FRAME_ANCESTORS: origins })).toThrow(/FRAME_ANCESTORS/);
    },
  );
});
