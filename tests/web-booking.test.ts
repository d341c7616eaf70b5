import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_KEY } from './support/server.js';
import { useServer } from './support/use-server.js';

// The guest booking page in real Chromium against the real server: a venue in Paris, two rooms
// with daily sessions, a guest whose browser lives in New York. Every date comes from one base
// instant, days ahead, so the hour the suite runs at changes nothing.

const RESULTS = fileURLToPath(new URL('../test-results/web/', import.meta.url));
const WEB_DIST = fileURLToPath(new URL('../apps/web/dist/', import.meta.url));
const admin = { authorization: `Bearer ${TEST_ADMIN_KEY}` };
const VENUE_ZONE = 'Europe/Paris';
const GUEST_ZONE = 'America/New_York';
const LOCALE = 'en-GB';
const STARTS = ['10:00', '12:00', '14:00', '16:00', '18:00', '20:00'];
const PRICE_PER_PLAYER = 25;

const BASE = Date.now();
const venueDate = (instant: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: VENUE_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const TODAY = venueDate(BASE);
// Ten days ahead at least, and early enough in its month that the four days after it show in the
// same month of the calendar.
let TARGET = addDays(TODAY, 10);
while (Number(TARGET.slice(8)) > 23) TARGET = addDays(TARGET, 1);
const CLOSED_DAY = addDays(TARGET, 1);
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
/** The last bookable day is TARGET + 2 (+ 3 should the venue's midnight pass during the run): TARGET + 4 lies beyond. */
const HORIZON_DAYS = daysBetween(TODAY, TARGET) + 2;
const BEYOND_HORIZON = addDays(TARGET, 4);

const money = (amount: number) => new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'EUR' }).format(amount);
const venueTime = (instant: string) =>
  new Intl.DateTimeFormat(LOCALE, { hour: 'numeric', minute: '2-digit', timeZone: VENUE_ZONE, timeZoneName: 'short' }).format(new Date(instant));

/** A session's times as the page shows them: in venue time, the zone named once. */
const venueRange = (session: { start_date: string; end_date: string }) =>
  new Intl.DateTimeFormat(LOCALE, { hour: 'numeric', minute: '2-digit', timeZone: VENUE_ZONE, timeZoneName: 'short' }).formatRange(
    new Date(session.start_date),
    new Date(session.end_date),
  );

const VIEWPORTS = { phone: { width: 375, height: 812 }, desktop: { width: 1280, height: 900 } } as const;
type ViewportName = keyof typeof VIEWPORTS;

// Two loopback origins for the host page of the embedding test: the server lists the first only.
async function hostServer(html: () => string): Promise<{ server: Server; port: number }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}
let frameSrc = '';
const hostPage = () => `<!doctype html><html lang="en"><title>Host</title><h1>Our shop</h1><iframe title="Book a room" src="${frameSrc}" width="400" height="700"></iframe></html>`;
const listed = await hostServer(hostPage);
const unlisted = await hostServer(hostPage);
const LISTED_ORIGIN = `http://127.0.0.1:${listed.port}`;
const UNLISTED_ORIGIN = `http://localhost:${unlisted.port}`;

let browser: Browser;
beforeAll(async () => {
  await mkdir(RESULTS, { recursive: true });
  // Debian's Chromium; these flags keep it off the closed network (as in docs-page.test.ts).
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- still undefined if beforeAll failed
  await browser?.close();
  listed.server.close();
  unlisted.server.close();
});

interface Guest {
  context: BrowserContext;
  page: Page;
  /** Every request the page made that left the server's origin. */
  external: string[];
}

async function openGuest(origin: string, viewport: ViewportName = 'desktop'): Promise<Guest> {
  const context = await browser.newContext({ viewport: VIEWPORTS[viewport], locale: LOCALE, timezoneId: GUEST_ZONE });
  const page = await context.newPage();
  const external: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) external.push(request.url());
  });
  return { context, page, external };
}

/** No serious or critical accessibility violation in the page's current state. */
async function expectAccessible(page: Page, state: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(bad, `axe in state "${state}"`).toEqual([]);
}

const shoot = (page: Page, step: string, viewport: ViewportName) => page.screenshot({ path: `${RESULTS}${step}-${viewport}.png`, fullPage: true });

/** Opens the calendar on TARGET's month (one "Next month" at most, TARGET is weeks ahead) and picks it. */
async function chooseTargetDay(page: Page) {
  const day = page.locator(`button.day[data-date="${TARGET}"]`);
  await page.locator('button.day').first().waitFor();
  if ((await day.count()) === 0) await page.getByRole('button', { name: 'Next month' }).click();
  await day.click();
  await expect.poll(() => day.getAttribute('aria-pressed')).toBe('true');
}

/** A session's button, found by its room's article and its times in venue time. */
const sessionButton = (page: Page, room: string, session: { start_date: string; end_date: string }) =>
  page.getByRole('article', { name: room }).getByRole('button', { name: venueRange(session) });

/** The UTC instant of TARGET at a venue-local time, as the API lists it. */
async function sessionAt(api: ReturnType<typeof useServer>['api'], roomId: number, start: string) {
  const listed = await api('GET', `/sessions?date=${TARGET}&room_id=${roomId}`);
  const session = listed.body.sessions.find((s: { local_start: string }) => s.local_start.slice(11, 16) === start);
  expect(session).toBeDefined();
  return session as { start_date: string; end_date: string };
}

/** A Paris venue with two scheduled rooms; the day after TARGET is closed in both. */
async function setUpVenue(api: ReturnType<typeof useServer>['api']) {
  const venue = await api('PATCH', '/admin/venue', { headers: admin, body: { timezone: VENUE_ZONE, cancellation_cutoff_hours: 24, horizon_days: HORIZON_DAYS } });
  expect(venue.status).toBe(200);
  const terms = { price: PRICE_PER_PLAYER, price_per: 'player', min_players: 2, max_players: 6, price_tiers: [], buffer_minutes: 0 };
  for (const [id, description] of [
    [2, 'A submarine sinking in the Atlantic: find the way to the surface.'],
    [3, 'The pharaoh’s tomb, sealed for three thousand years.'],
  ] as const) {
    expect((await api('PATCH', `/admin/rooms/${id}`, { headers: admin, body: { ...terms, description } })).status).toBe(200);
    const weekly = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, { starts: STARTS }]));
    const schedule = await api('PUT', `/admin/rooms/${id}/schedule`, {
      headers: admin,
      body: { session_minutes: 60, weekly, exceptions: [{ date: CLOSED_DAY, closed: true }] },
    });
    expect(schedule.status).toBe(200);
  }
}

describe('the guest booking page', () => {
  const ctx = useServer({ FRAME_ANCESTORS: LISTED_ORIGIN });
  beforeAll(async () => {
    await setUpVenue(ctx.api);
    frameSrc = `${ctx.url}/?players=2`;
  });

  it.each([
    ['phone', '10:00'],
    ['desktop', '12:00'],
  ] as const)('takes a guest from a day to a confirmed booking and its cancellation (%s)', async (viewport, start) => {
    const { context, page, external } = await openGuest(ctx.url, viewport);
    try {
      await page.goto(`${ctx.url}/?players=4`);
      await expect(page.locator('h1').innerText()).resolves.toBe('Book an escape room');
      // The guest is in New York: the venue's zone is named, and times carry it.
      await expect(page.locator('.zone-note').innerText()).resolves.toContain(VENUE_ZONE);
      await chooseTargetDay(page);
      await expect(page.locator(`button.day[data-date="${CLOSED_DAY}"]`).isDisabled()).resolves.toBe(true);
      await expect(page.locator(`button.day[data-date="${BEYOND_HORIZON}"]`).isDisabled()).resolves.toBe(true);
      await shoot(page, '1-sessions', viewport);
      await expectAccessible(page, 'sessions');

      // Both rooms, with their descriptions, limits and the price for four.
      const room2 = page.getByRole('article', { name: 'Room 2' });
      await expect(room2.innerText()).resolves.toContain('A submarine sinking');
      await expect(room2.innerText()).resolves.toContain('2–6 players');
      await expect(room2.innerText()).resolves.toContain(`Total for 4 players: ${money(4 * PRICE_PER_PLAYER)}`);
      await expect(page.getByRole('article', { name: 'Room 3' }).innerText()).resolves.toContain('pharaoh');
      const session = await sessionAt(ctx.api, 2, start);
      const button = sessionButton(page, 'Room 2', session);
      await expect(button.innerText()).resolves.toContain('Available');

      // Choosing opens the panel and moves focus there; the API's field issues show beside their fields.
      await button.click();
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('panel-heading');
      await page.getByLabel('Email').fill('not an email');
      await page.getByRole('button', { name: 'Hold this session' }).click();
      const email = page.getByLabel('Email');
      await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
      await expect(page.getByLabel('Your name').getAttribute('aria-invalid')).resolves.toBe('true');
      const described = await email.getAttribute('aria-describedby');
      await expect(page.locator(`#${described}`).innerText()).resolves.toMatch(/email/i);
      await shoot(page, '2-field-errors', viewport);
      await expectAccessible(page, 'field errors');

      await page.getByLabel('Your name').fill('Ada Lovelace');
      await email.fill(`ada.${viewport}@example.com`);
      await page.getByRole('button', { name: 'Hold this session' }).click();
      await page.getByRole('heading', { name: 'Held for you' }).waitFor();
      await expect(page.getByRole('timer').innerText()).resolves.toMatch(/^[45]:\d\d$/);
      await shoot(page, '3-held', viewport);
      await expectAccessible(page, 'held');

      await page.getByRole('button', { name: 'Confirm booking' }).click();
      const confirmed = page.getByRole('heading', { name: 'Booking confirmed' });
      await confirmed.waitFor();
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('confirmed-heading');
      const details = await page.locator('.details').innerText();
      expect(details).toMatch(/Reference\s+[2-9A-Z]{8}/);
      expect(details).toContain('Room 2');
      expect(details).toContain(new Intl.DateTimeFormat(LOCALE, { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(`${TARGET}T12:00:00Z`)));
      expect(details).toContain(venueRange(session));
      expect(details).toMatch(/Players\s+4/);
      expect(details).toContain(money(4 * PRICE_PER_PLAYER));
      const manageHref = await page.getByRole('link', { name: 'Manage your booking' }).getAttribute('href');
      const bookingId = /^\/bookings\/(.+)$/.exec(manageHref ?? '')?.[1];
      expect(bookingId).toBeDefined();
      await expect(page.getByRole('link', { name: 'Add to calendar' }).getAttribute('href')).resolves.toBe(`/api/v1/bookings/${bookingId}/calendar.ics`);
      expect((await ctx.api('GET', `/bookings/${bookingId}`)).body.booking).toMatchObject({ status: 'confirmed', players: 4, guest: { name: 'Ada Lovelace' } });
      await shoot(page, '4-confirmed', viewport);
      await expectAccessible(page, 'confirmed');

      // The manage page: inside the cancellation window the guest can cancel.
      await page.getByRole('link', { name: 'Manage your booking' }).click();
      await page.getByRole('heading', { name: 'Your booking', exact: true }).waitFor();
      await expect(page.locator('.badge').innerText()).resolves.toBe('Confirmed');
      await expect(page.locator('.cancel').innerText()).resolves.toContain('You can cancel free of charge until');
      await shoot(page, '5-manage', viewport);
      await expectAccessible(page, 'manage');
      await page.getByRole('button', { name: 'Cancel this booking' }).click();
      await page.getByText('Your booking is cancelled.').waitFor();
      await expect(page.locator('.badge').innerText()).resolves.toBe('Cancelled');
      expect((await ctx.api('GET', `/bookings/${bookingId}`)).body.booking.status).toBe('cancelled');
      await shoot(page, '6-cancelled', viewport);
      await expectAccessible(page, 'cancelled');
      expect(external).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('swaps the hold when the guest chooses another session, so one guest never holds two', async () => {
    const { context, page } = await openGuest(ctx.url);
    try {
      const first = await sessionAt(ctx.api, 2, '16:00');
      const second = await sessionAt(ctx.api, 2, '18:00');
      await page.goto(`${ctx.url}/?players=2`);
      await chooseTargetDay(page);
      await sessionButton(page, 'Room 2', first).click();
      await page.getByLabel('Your name').fill('Switching Guest');
      await page.getByLabel('Email').fill('switch@example.com');
      await page.getByRole('button', { name: 'Hold this session' }).click();
      await page.getByRole('heading', { name: 'Held for you' }).waitFor();

      await sessionButton(page, 'Room 2', second).click();
      await page.getByText('You are holding another session; holding this one gives that one back.').waitFor();
      await page.getByRole('button', { name: 'Hold this session instead' }).click();
      await page.getByRole('heading', { name: 'Held for you' }).waitFor();
      await expect(page.locator('.summary').innerText()).resolves.toContain(venueRange(second));
      const mine = (await ctx.api('GET', '/bookings?room_id=2', { headers: admin })).body.bookings.filter(
        (b: { guest: { email: string } }) => b.guest.email === 'switch@example.com',
      );
      expect(mine.map((b: { status: string; start_date: string }) => [b.status, b.start_date])).toEqual([
        ['released', first.start_date],
        ['pending', second.start_date],
      ]);
      await page.getByRole('button', { name: 'Give it back' }).click();
      await page.getByText('You gave the session back.').waitFor();
      await expectAccessible(page, 'given back');
    } finally {
      await context.close();
    }
  });

  it('says until when cancelling was possible once the window has closed', async () => {
    const session = await sessionAt(ctx.api, 3, '18:00');
    const held = await ctx.api('POST', '/bookings', {
      body: { room_id: 3, players: 2, guest: { name: 'Late Guest', email: 'late@example.com' }, start_date: session.start_date, end_date: session.end_date },
    });
    expect(held.status).toBe(201);
    const id = held.body.booking.id as string;
    expect((await ctx.api('PUT', `/bookings/${id}/confirm`)).status).toBe(200);
    // A cutoff of a year puts the cancellable_until of a session days ahead in the past.
    expect((await ctx.api('PATCH', '/admin/venue', { headers: admin, body: { cancellation_cutoff_hours: 8760 } })).status).toBe(200);
    const { context, page } = await openGuest(ctx.url);
    try {
      await page.goto(`${ctx.url}/bookings/${id}`);
      await page.getByRole('heading', { name: 'Your booking', exact: true }).waitFor();
      const until = (await ctx.api('GET', `/bookings/${id}`)).body.booking.cancellable_until as string;
      await expect(page.locator('main').innerText()).resolves.toContain(`Cancelling online was possible until`);
      await expect(page.locator('main').innerText()).resolves.toContain(venueTime(until));
      await expect(page.getByRole('button', { name: 'Cancel this booking' }).count()).resolves.toBe(0);
      await shoot(page, '7-manage-window-closed', 'desktop');
      await expectAccessible(page, 'window closed');
    } finally {
      await context.close();
      await ctx.api('PATCH', '/admin/venue', { headers: admin, body: { cancellation_cutoff_hours: 24 } });
    }
  });

  it('tells the guest who loses a race for a session in plain words, and shows it taken', async () => {
    const a = await openGuest(ctx.url);
    const b = await openGuest(ctx.url, 'phone');
    try {
      const session = await sessionAt(ctx.api, 2, '14:00');
      for (const [guest, name] of [
        [a, 'Alice'],
        [b, 'Bob'],
      ] as const) {
        await guest.page.goto(`${ctx.url}/?players=2`);
        await chooseTargetDay(guest.page);
        await sessionButton(guest.page, 'Room 2', session).click();
        await guest.page.getByLabel('Your name').fill(name);
        await guest.page.getByLabel('Email').fill(`${name.toLowerCase()}@example.com`);
      }
      await Promise.all([a, b].map((guest) => guest.page.getByRole('button', { name: 'Hold this session' }).click()));
      const outcome = async (guest: Guest) => {
        const held = guest.page.getByRole('heading', { name: 'Held for you' });
        const taken = guest.page.getByText('someone else has just taken that session');
        await held.or(taken).waitFor();
        return (await held.isVisible()) ? 'won' : 'lost';
      };
      const outcomes = await Promise.all([outcome(a), outcome(b)]);
      expect([...outcomes].sort()).toEqual(['lost', 'won']);
      const loser = outcomes[0] === 'lost' ? a : b;
      // The grid has been fetched again: the session is on hold and cannot be chosen.
      const taken = sessionButton(loser.page, 'Room 2', session);
      await expect.poll(() => taken.innerText()).toContain('On hold');
      await expect(taken.isDisabled()).resolves.toBe(true);
      await shoot(loser.page, '8-race-lost', 'phone');
      await expectAccessible(loser.page, 'race lost');
    } finally {
      await a.context.close();
      await b.context.close();
    }
  });

  it('preselects a room and a party size from the address', async () => {
    const { context, page } = await openGuest(ctx.url, 'phone');
    try {
      // Until the guest picks a day, the calendar shows the month's first day with a session to
      // choose. Asked before and after the page loads, so a session starting meanwhile is no flake.
      const month = `${TODAY.slice(0, 7)}-01`;
      const monthDays = new Date(Date.UTC(Number(TODAY.slice(0, 4)), Number(TODAY.slice(5, 7)), 0)).getUTCDate();
      const firstOpenDay = async () => {
        const listed = await ctx.api('GET', `/sessions?date=${month}&days=${monthDays}&room_id=3&players=5`);
        const open = (listed.body.sessions as { status: string; local_start: string }[]).filter((s) => s.status !== 'closed');
        return open.map((s) => s.local_start.slice(0, 10)).sort()[0] ?? null;
      };
      const before = await firstOpenDay();
      await page.goto(`${ctx.url}/?room_id=3&players=5`);
      await expect.poll(() => page.getByLabel('Players').inputValue()).toBe('5');
      await page.getByText('Showing Room 3 only').waitFor();
      const after = await firstOpenDay();
      if (before === null && after === null) {
        await page.getByText('No sessions to choose this month').waitFor();
      } else {
        await page.locator('button.day[aria-pressed="true"]').waitFor();
        expect([before, after]).toContain(await page.locator('button.day[aria-pressed="true"]').getAttribute('data-date'));
      }
      await chooseTargetDay(page);
      await page.getByRole('article', { name: 'Room 3' }).waitFor();
      await expect(page.getByRole('article', { name: 'Room 2' }).count()).resolves.toBe(0);
      await expect(page.getByRole('article', { name: 'Room 3' }).innerText()).resolves.toContain(`Total for 5 players: ${money(5 * PRICE_PER_PLAYER)}`);
      await shoot(page, '9-preselected', 'phone');
      await page.getByRole('button', { name: 'Show all rooms' }).click();
      await page.getByRole('article', { name: 'Room 2' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('can be used with the keyboard alone, from the calendar to the confirmation', async () => {
    const { context, page } = await openGuest(ctx.url);
    try {
      const session = await sessionAt(ctx.api, 3, '16:00');
      await page.goto(`${ctx.url}/?players=3`);
      await page.locator('button.day').first().waitFor();
      /** Presses Tab until the focused element matches, as a keyboard user would. */
      const tabTo = async (description: string, matches: (arg: string) => boolean, arg: string) => {
        for (let presses = 0; presses < 80; presses++) {
          if (await page.evaluate(matches, arg)) return;
          await page.keyboard.press('Tab');
        }
        throw new Error(`Tab never reached ${description}`);
      };
      const label = (name: string) => document.activeElement?.getAttribute('aria-label') === name;
      if ((await page.locator(`button.day[data-date="${TARGET}"]`).count()) === 0) {
        await tabTo('next month', label, 'Next month');
        await page.keyboard.press('Enter');
        await page.locator(`button.day[data-date="${TARGET}"]`).waitFor();
      }
      await tabTo(TARGET, (date) => document.activeElement?.getAttribute('data-date') === date, TARGET);
      await page.keyboard.press('Enter');
      const time = venueRange(session);
      await sessionButton(page, 'Room 3', session).waitFor();
      await tabTo(
        `Room 3 at ${time}`,
        (start) => {
          const active = document.activeElement;
          return active?.closest('article')?.querySelector('h3')?.textContent === 'Room 3' && active.textContent.startsWith(start);
        },
        time,
      );
      await page.keyboard.press('Space');
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('panel-heading');
      await page.keyboard.press('Tab');
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('guest-name');
      await page.keyboard.type('Grace Hopper');
      await page.keyboard.press('Tab');
      await page.keyboard.type('grace@example.com');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Held for you' }).waitFor();
      await tabTo('Confirm booking', (text) => document.activeElement?.textContent === text, 'Confirm booking');
      // The focus ring is visible on the button the keyboard is on.
      await expect(page.evaluate(() => getComputedStyle(document.activeElement ?? document.body).outlineStyle)).resolves.toBe('solid');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Booking confirmed' }).waitFor();
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('confirmed-heading');
      await expect(page.locator('.details').innerText()).resolves.toContain('Room 3');
    } finally {
      await context.close();
    }
  });

  it('retries a hold that met a dead network with the same Idempotency-Key, holding one session', async () => {
    const { context, page } = await openGuest(ctx.url);
    try {
      const session = await sessionAt(ctx.api, 3, '12:00');
      const keys: string[] = [];
      await page.route('**/trpc/bookings.hold**', async (route) => {
        keys.push((await route.request().headerValue('idempotency-key')) ?? '');
        await route.abort('internetdisconnected');
      });
      await page.goto(`${ctx.url}/?players=2`);
      await chooseTargetDay(page);
      await sessionButton(page, 'Room 3', session).click();
      await page.getByLabel('Your name').fill('Net Guest');
      await page.getByLabel('Email').fill('net@example.com');
      await page.getByRole('button', { name: 'Hold this session' }).click();
      await page.getByText('We could not reach the booking service').waitFor();
      await shoot(page, '10-network-error', 'desktop');
      await expectAccessible(page, 'network error');
      // The network is back: "Try again" sends the same hold under the same key.
      await page.unroute('**/trpc/bookings.hold**');
      const sent = page.waitForRequest((request) => request.url().includes('/trpc/bookings.hold'));
      await page.getByRole('button', { name: 'Try again' }).click();
      keys.push((await (await sent).headerValue('idempotency-key')) ?? '');
      await page.getByRole('heading', { name: 'Held for you' }).waitFor();
      expect(keys.length).toBeGreaterThan(1);
      expect(new Set(keys).size).toBe(1);
      const held = await ctx.api('GET', `/bookings?room_id=3&status=pending`, { headers: admin });
      expect(held.body.bookings.filter((b: { guest: { email: string } }) => b.guest.email === 'net@example.com')).toHaveLength(1);
    } finally {
      await context.close();
    }
  });

  it('waits as long as Retry-After says when rate limited, then holds with the same key', async () => {
    const { context, page } = await openGuest(ctx.url);
    try {
      const session = await sessionAt(ctx.api, 3, '14:00');
      const sent: { key: string; at: number }[] = [];
      page.on('request', (request) => {
        if (request.url().includes('/trpc/bookings.hold')) sent.push({ key: request.headers()['idempotency-key'] ?? '', at: Date.now() });
      });
      // One 429 in the server's own shape: a real limiter's Retry-After runs up to a minute, and
      // the SDK's reading of the real header is proven in rate-limits.test.ts.
      await page.route(
        '**/trpc/bookings.hold**',
        (route) =>
          route.fulfill({
            status: 429,
            headers: { 'content-type': 'application/json', 'retry-after': '2' },
            body: JSON.stringify({
              error: { message: 'Too many requests', code: -32029, data: { code: 'RATE_LIMITED', message: 'Too many requests', httpStatus: 429, path: 'bookings.hold' } },
            }),
          }),
        { times: 1 },
      );
      await page.goto(`${ctx.url}/?players=2`);
      await chooseTargetDay(page);
      await sessionButton(page, 'Room 3', session).click();
      await page.getByLabel('Your name').fill('Busy Guest');
      await page.getByLabel('Email').fill('busy@example.com');
      await page.getByRole('button', { name: 'Hold this session' }).click();
      await page.getByText('Too many attempts from here').waitFor();
      await page.getByText(/Trying again in \d+ s/).waitFor();
      await shoot(page, '13-rate-limited', 'desktop');
      await expectAccessible(page, 'rate limited');
      await page.getByRole('heading', { name: 'Held for you' }).waitFor();
      expect(sent).toHaveLength(2);
      expect(sent[1]!.key).toBe(sent[0]!.key);
      expect(sent[1]!.at - sent[0]!.at).toBeGreaterThanOrEqual(1900);
    } finally {
      await context.close();
    }
  });

  it('lets a listed origin frame the page and no other, checked in the browser', async () => {
    const { context, page } = await openGuest(ctx.url);
    try {
      await page.goto(LISTED_ORIGIN);
      await page.frameLocator('iframe').getByRole('heading', { name: 'Book an escape room' }).waitFor();

      const refused = page.waitForEvent('console', (message) => message.text().includes('frame-ancestors'));
      await page.goto(UNLISTED_ORIGIN);
      await refused;
      // Chromium shows its own error page in the refused frame instead of ours.
      const frame = await (await page.locator('iframe').elementHandle()).contentFrame();
      expect(frame!.url()).toMatch(/^chrome-error:/);
      await expect(frame!.getByRole('heading', { name: 'Book an escape room' }).count()).resolves.toBe(0);
    } finally {
      await context.close();
    }
    // The API keeps helmet's stricter headers; the page carries its own.
    const pageHeaders = (await fetch(`${ctx.url}/`)).headers;
    expect(pageHeaders.get('content-security-policy')).toContain(`frame-ancestors 'self' ${LISTED_ORIGIN}`);
    expect(pageHeaders.get('x-frame-options')).toBeNull();
    // index.html is asked for again every time; the hashed files it names are kept for good.
    expect(pageHeaders.get('cache-control')).toBe('no-cache');
    const script = /<script[^>]+src="([^"]+)"/.exec(await (await fetch(`${ctx.url}/bookings/any-id`)).text())?.[1];
    expect(script).toMatch(/^\/assets\/.+-[\w-]{8}\.js$/);
    expect((await fetch(`${ctx.url}${script}`)).headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${ctx.url}/api/v1/rooms`)).headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  // The paint budget is Core Web Vitals' "good" LCP, 2.5 s. This shared 2-core machine measured
  // 0.2 to 1.9 s on a cold server and browser, the slow end on days it ran at half its speed
  // (a 1-second budget failed then on unchanged code), so a tighter line would measure the machine.
  it('loads at most 150 kB of gzipped JavaScript, and paints its largest content within 2.5 s', async () => {
    const index = await readFile(`${WEB_DIST}index.html`, 'utf8');
    const scripts = [...index.matchAll(/<script[^>]+src="([^"]+)"|<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)].map((m) => m[1] ?? m[2]!);
    expect(scripts.length).toBeGreaterThan(0);
    let gzipped = 0;
    for (const src of scripts) gzipped += gzipSync(await readFile(`${WEB_DIST}${src.replace(/^\//, '')}`)).length;

    // The first visit to a fresh server and browser pays their start-up (JIT, renderer processes),
    // which no guest of a running venue meets: one unmeasured visit, then a fresh context (an empty
    // cache, as a first-time guest has) is measured.
    const warm = await openGuest(ctx.url);
    try {
      await warm.page.goto(`${ctx.url}/?players=2`);
      await warm.page.locator('button.day').first().waitFor();
    } finally {
      await warm.context.close();
    }
    const { context, page } = await openGuest(ctx.url);
    let lcp: number;
    try {
      await page.goto(`${ctx.url}/?players=2`);
      await page.locator('button.day').first().waitFor();
      lcp = await page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            new PerformanceObserver((list) => {
              const entries = list.getEntries();
              resolve(entries[entries.length - 1]!.startTime);
            }).observe({ type: 'largest-contentful-paint', buffered: true });
          }),
      );
    } finally {
      await context.close();
    }
    await writeFile(`${RESULTS}budget.json`, JSON.stringify({ scripts, gzippedBytes: gzipped, lcpMs: lcp }, null, 2));
    process.stdout.write(`guest page: ${scripts.length} script(s), ${gzipped} B gzipped; LCP ${lcp.toFixed(0)} ms\n`);
    expect(gzipped).toBeLessThanOrEqual(150_000);
    expect(lcp).toBeLessThan(2500);
  });
});

describe('the guest booking page with short holds', () => {
  // 15-second holds, kept 18 seconds at most: the countdown, its extension to the cap and the lapse are all seen.
  const ctx = useServer({ BOOKING_HOLD_MINUTES: '0.25', BOOKING_HOLD_MAX_MINUTES: '0.3' });
  beforeAll(() => setUpVenue(ctx.api));

  const seconds = (countdown: string) => {
    const [m, s] = countdown.split(':').map(Number);
    return m! * 60 + s!;
  };

  it('counts down, extends up to the cap, then says the hold ran out and holds the session again', async () => {
    const { context, page } = await openGuest(ctx.url, 'phone');
    try {
      const session = await sessionAt(ctx.api, 2, '20:00');
      await page.goto(`${ctx.url}/?players=2`);
      await chooseTargetDay(page);
      await sessionButton(page, 'Room 2', session).click();
      await page.getByLabel('Your name').fill('Short Hold');
      await page.getByLabel('Email').fill('short@example.com');
      await page.getByRole('button', { name: 'Hold this session' }).click();
      const timer = page.getByRole('timer');
      await timer.waitFor();
      expect(seconds(await timer.innerText())).toBeGreaterThanOrEqual(13);
      // Let the countdown run (watching it, not sleeping) until more than five seconds are gone,
      // so an extension meets the 18-second cap.
      await expect.poll(async () => seconds(await timer.innerText()), { timeout: 15_000 }).toBeLessThanOrEqual(8);
      await page.getByRole('button', { name: 'I need more time' }).click();
      await page.getByText('This is as long as we can hold a session').waitFor();
      // The server kept the hold to its 18-second cap, and the countdown follows the new expiry.
      const [hold] = (await ctx.api('GET', '/bookings?status=pending', { headers: admin })).body.bookings;
      expect(Date.parse(hold.expires_at) - Date.parse(hold.created_at)).toBe(18_000);
      await expect
        .poll(async () => Math.abs(seconds(await timer.innerText()) - (Date.parse(hold.expires_at) - Date.now()) / 1000))
        .toBeLessThanOrEqual(1.5);
      await expect(page.getByRole('button', { name: 'I need more time' }).isDisabled()).resolves.toBe(true);
      await shoot(page, '11-extended-to-cap', 'phone');
      await expectAccessible(page, 'extended to the cap');

      await page.locator('.lapsed').getByText('Your hold on this session ran out').waitFor({ timeout: 20_000 });
      await page.getByRole('button', { name: 'Try this session again' }).waitFor();
      await shoot(page, '12-lapsed', 'phone');
      await expectAccessible(page, 'lapsed');
      await page.getByRole('button', { name: 'Try this session again' }).click();
      await page.getByRole('heading', { name: 'Held for you' }).waitFor();
      expect(seconds(await timer.innerText())).toBeGreaterThanOrEqual(13);
    } finally {
      await context.close();
    }
  });
});
