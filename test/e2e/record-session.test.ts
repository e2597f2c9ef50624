import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type E2eBackend } from './backend.js';
import { expectCount, expectText } from './expect-ui.js';
import { launchChromium, openPage, screenshot, type WatchedPage } from './browser.js';

/**
 * The main journey: record a short embedded (baseline) session from New session, watch it
 * live, land on its report, find the N+1 on the Queries tab, and walk every tab (screenshots).
 */

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

describe('recording a session from the UI', () => {
  let sessionUrl = '';
  /** The recorded session's page at a tab (the landing URL carries no tab). */
  const tabUrl = (tab: string) => sessionUrl.replace(/#\/session\/([^/]+).*$/, `#/session/$1/${tab}`);

  it('starts an embedded baseline recording and shows live progress that changes each second', async () => {
    const { page } = w;
    await page.goto(`${backend.openUrl}#/new`);
    await expect.poll(() => page.url()).not.toContain('token='); // the token leaves the address bar
    await page.getByText('Connected').waitFor();
    await page.getByLabel('baseline').check({ force: true });
    await page.getByTestId('load-users').fill('4');
    await page.getByTestId('load-ramp').fill('1');
    await page.getByTestId('load-duration').fill('8');
    await page.getByTestId('session-name').fill('e2e baseline');
    await screenshot(page, 'new-session');
    await page.getByTestId('start-recording').click();
    await page.waitForURL(/#\/recording\//, { timeout: 120_000 });

    const requests = page.getByTestId('live-requests');
    await expect.poll(async () => (await requests.textContent())?.replace(/\D/g, '') ?? '', { timeout: 60_000 }).toMatch(/^\d+$/);
    const first = Number((await requests.textContent())?.replace(/\D/g, ''));
    await expect.poll(async () => Number((await requests.textContent())?.replace(/\D/g, '')), { timeout: 30_000 }).toBeGreaterThan(first);
    await expect.poll(async () => (await page.getByTestId('elapsed').textContent()) ?? '').toMatch(/\d+s \/ \d+s/);
    await page.getByTestId('chart-rps').locator('canvas').first().waitFor();
    await screenshot(page, 'recording');
  });

  it('goes to the session when the recording ends, with its critical metrics', async () => {
    const { page } = w;
    await page.waitForURL(/#\/session\//, { timeout: 120_000 });
    sessionUrl = page.url();
    await page.getByTestId('overview').waitFor();
    await page.locator('[data-testid="overview"][data-ready="true"]').waitFor({ timeout: 30_000 });
    await expectCount(page.getByTestId('checks-table').locator('tbody tr'), (n) => n > 2, 'critical-metric rows');
    await expectText(page.getByRole('heading', { level: 1 }), 'e2e baseline');
    await screenshot(page, 'session-overview');
  });

  it('shows the baseline profile’s N+1 pattern with its call site on the Queries tab', async () => {
    const { page } = w;
    await page.getByRole('tab', { name: /Queries/ }).click();
    const n1 = page.getByTestId('n-plus-one');
    await n1.waitFor();
    await expectCount(n1.locator('.n1-card'), (n) => n > 0, 'N+1 cards');
    await expectText(n1, 'N+1');
    await expectText(n1.locator('.n1-card').first(), 'Call site');
    await expectText(page.getByRole('tab', { name: /Queries/ }), 'N+1');
    await screenshot(page, 'session-queries');
  });

  it('moves between tabs with the arrow keys and shows every tab', async () => {
    const { page } = w;
    await page.getByRole('tab', { name: /Queries/ }).focus();
    for (const [tab, shot] of [
      ['Pool', 'session-pool'],
      ['Cache', 'session-cache'],
      ['Functions', 'session-functions'],
      ['Recommendations', 'session-recommendations'],
      ['Replay', 'session-replay'],
    ] as const) {
      await page.keyboard.press('ArrowRight');
      await expectText(page.getByRole('tab', { selected: true }), tab);
      await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.getAttribute("role")')).toBe('tab');
      await page.waitForTimeout(300); // let charts paint before the screenshot
      await screenshot(page, shot);
    }
    expect(page.url()).toContain('/replay');
  });

  it('replays the session: moving the scrubber back shows less of it', async () => {
    const { page } = w;
    const range = page.getByTestId('replay-range');
    const requests = async () => Number((await page.getByTestId('replay-requests').textContent())?.replace(/\D/g, ''));
    const end = await page.getByTestId('replay-time').textContent();
    const all = await requests();
    await range.focus();
    await page.keyboard.press('Home');
    await expectText(page.getByTestId('replay-time'), '0:00 /');
    expect(await requests()).toBeLessThan(all);
    await page.getByTestId('replay-play').click();
    await page.getByRole('radio', { name: '10×' }).check({ force: true });
    await expect.poll(async () => page.getByTestId('replay-time').textContent(), { timeout: 20_000 }).toBe(end);
    // The recorder's own events (start, phases) are in the log once playback has passed them.
    await expectCount(page.getByTestId('event-log').locator('li'), (n) => n > 0, 'event log lines');
  });

  it('keeps the theme choice across reloads, and the dark theme renders', async () => {
    const { page } = w;
    await page.goto(tabUrl('overview'));
    await page.getByRole('button', { name: /Switch to dark theme/ }).click();
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark');
    await page.reload();
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark');
    await page.locator('[data-testid="overview"][data-ready="true"]').waitFor();
    await screenshot(page, 'session-overview-dark');
    await page.getByRole('tab', { name: /Queries/ }).click();
    await screenshot(page, 'session-queries-dark');
    await page.getByRole('button', { name: /Switch to light theme/ }).click();
  });

  it('re-runs the workload from the Replay tab as a new session linked to the first', async () => {
    const { page } = w;
    await page.goto(tabUrl('replay'));
    await page.getByLabel(/As fast as possible/).check();
    await page.getByRole('button', { name: 'Re-run workload' }).click();
    await page.waitForURL(/#\/recording\//, { timeout: 120_000 });
    await page.waitForURL(/#\/session\//, { timeout: 120_000 });
    expect(page.url()).not.toBe(sessionUrl);
    await expectText(page.locator('.meta'), 'replay of');
    await expectText(page.getByRole('heading', { level: 1 }), 'replay of e2e baseline');
  });

  it('ran without console errors or CSP violations', () => {
    expect(w.errors).toEqual([]);
  });
});
