import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServer } from './support/use-server.js';

const SCREENSHOT = fileURLToPath(new URL('../test-results/docs-page.png', import.meta.url));
const ctx = useServer();
let browser: Browser;

beforeAll(async () => {
  // Debian's Chromium (installed by .ci/run); these flags keep it off the closed network.
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- still undefined if beforeAll failed
  await browser?.close();
});

describe('the API reference page in a real browser', () => {
  it('renders every operation of the REST contract from local assets only', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 2000 } });
    const external: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(ctx.url)) external.push(request.url());
    });
    await page.goto(`${ctx.url}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });

    const operations = await page.locator('.opblock-summary').allInnerTexts();
    const flat = operations.map((text) => text.replace(/\s+/g, ' '));
    for (const [method, path] of [
      ['GET', '/rooms'],
      ['GET', '/rooms/{room_id}'],
      ['GET', '/availability'],
      ['POST', '/bookings'],
      ['GET', '/bookings/{booking_id}'],
      ['PUT', '/bookings/{booking_id}/confirm'],
      ['DELETE', '/bookings/{booking_id}/release'],
      ['DELETE', '/bookings/{booking_id}/cancel'],
      ['GET', '/bookings'],
    ] as const) {
      expect(flat.some((text) => text.includes(method) && text.includes(path)), `${method} ${path}`).toBe(true);
    }
    await expect(page.locator('.info .title').innerText()).resolves.toContain('Escape-room booking API');

    // Open the hold operation: its documented responses include the contract's 409.
    await page.locator('.opblock-post .opblock-summary').first().click();
    await page.locator('.responses-table').first().waitFor();
    await expect(page.locator('.opblock-post .responses-table').first().innerText()).resolves.toContain('SLOT_UNAVAILABLE');

    await mkdir(fileURLToPath(new URL('../test-results/', import.meta.url)), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    expect(external).toEqual([]);
  });
});
