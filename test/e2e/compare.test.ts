import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baselineReport, optimizedReport } from '../fixtures/dev-api-reports.js';
import { startBackend, type E2eBackend } from './backend.js';
import { expectCount, expectText } from './expect-ui.js';
import { launchChromium, openPage, screenshot, type WatchedPage } from './browser.js';
import { rpc } from './rpc.js';

/** Two sessions (imported through the API) compared from the Sessions page's multi-select. */

let backend: E2eBackend;
let browser: Browser;
let w: WatchedPage;

beforeAll(async () => {
  backend = await startBackend();
  // Named for this test and dated after anything else, so they are the table's first two rows.
  const before = await baselineReport('e2e-before', '2030-01-01T10:00:00.000Z');
  const after = await optimizedReport('e2e-after', '2030-01-01T11:00:00.000Z');
  for (const [r, name] of [[before, 'e2e before fixes'], [after, 'e2e after fixes']] as const) {
    await rpc(backend, 'sessions/import', { filename: `${r.session.id}.json`, content: JSON.stringify({ ...r, session: { ...r.session, name } }) });
  }
  browser = await launchChromium();
  w = await openPage(browser);
});

afterAll(async () => {
  await browser?.close();
  await backend?.close();
});

describe('comparing two sessions', () => {
  it('selects two sessions with the keyboard and shows the verdict big', async () => {
    const { page } = w;
    await page.goto(`${backend.openUrl}#/sessions`);
    const table = page.getByTestId('sessions-table');
    await table.getByText('e2e after fixes').waitFor();
    await screenshot(page, 'sessions');
    const compare = page.getByRole('button', { name: 'Compare selected' });
    expect(await compare.isDisabled()).toBe(true);
    // Keyboard: focus the table, Space selects the active row, ArrowDown moves.
    await table.focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    await expect.poll(() => compare.isEnabled()).toBe(true);
    await compare.click();
    await page.waitForURL(/#\/compare\?baseline=/);
    const verdict = page.getByTestId('verdict');
    await verdict.waitFor();
    await expectText(verdict, 'Improved');
    await expectText(verdict, /e2e before fixes.*→.*e2e after fixes/);
  });

  it('shows the metrics with significant changes highlighted and the per-query before/after table', async () => {
    const { page } = w;
    const metrics = page.getByTestId('compare-metrics');
    await expectCount(metrics.locator('.row-better'), (n) => n > 0, 'significantly better metrics');
    await expectText(metrics, 'Latency p95');
    const queries = page.getByTestId('compare-queries');
    await expectText(queries, 'policy_decision_logs');
    await expectCount(queries.getByText('gone'), (n) => n > 0, '"gone" statements'); // the N+1 statements the fix removed
    await page.getByTestId('overlay-p95').locator('canvas').first().waitFor();
    await screenshot(page, 'compare');
  });

  it('swaps baseline and candidate and calls it a regression', async () => {
    const { page } = w;
    await page.getByRole('button', { name: 'Swap baseline and candidate' }).click();
    await expectText(page.getByTestId('verdict'), 'Regressed');
  });

  it('ran without console errors', () => {
    expect(w.errors).toEqual([]);
  });
});
