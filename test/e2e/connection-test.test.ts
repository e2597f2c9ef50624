import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type E2eBackend } from './backend.js';
import { expectClass } from './expect-ui.js';
import { launchChromium, openPage, screenshot, type WatchedPage } from './browser.js';

/** The external-target connection test reports, per part, what works and what does not. */

let backend: E2eBackend;
let browser: Browser;
let w: WatchedPage;

beforeAll(async () => {
  backend = await startBackend();
  browser = await launchChromium();
  w = await openPage(browser);
});

afterAll(async () => {
  await browser?.close();
  await backend?.close();
});

describe('external target connection test', () => {
  it('shows a clear error for a bad Postgres URL and success for the good one, without leaking the password', async () => {
    const { page } = w;
    await page.goto(`${backend.openUrl}#/new`);
    await page.getByText('External target').click();
    // Port 1 on loopback: nothing listens there, so the failure is immediate and certain.
    await page.getByTestId('ext-pg').fill('postgres://auditor:s3cret-pw@127.0.0.1:1/audit');
    await page.getByRole('button', { name: 'Test connection' }).click();
    const pgLine = page.getByTestId('conn-postgresql');
    await pgLine.waitFor({ timeout: 60_000 });
    await expectClass(pgLine, 'check-fail');
    const text = (await pgLine.textContent()) ?? '';
    expect(text).toMatch(/127\.0\.0\.1/);
    expect(text).not.toContain('s3cret-pw');
    await screenshot(page, 'connection-test-failed');

    await page.getByTestId('ext-pg').fill('postgres://postgres@127.0.0.1:5432/test');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(async () => (await page.getByTestId('conn-postgresql').getAttribute('class')) ?? '', { timeout: 60_000 }).toContain('check-ok');
  });

  it('does not start an external recording without a service URL', async () => {
    const { page } = w;
    await page.getByTestId('start-recording').click();
    await page.getByText('An external target needs its service URL.').waitFor();
    expect(page.url()).toContain('#/new');
  });
});
