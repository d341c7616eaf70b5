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
});
