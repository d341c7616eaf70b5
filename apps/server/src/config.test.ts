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
