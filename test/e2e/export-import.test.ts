import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baselineReport } from '../fixtures/dev-api-reports.js';
import { startBackend, type E2eBackend } from './backend.js';
import { expectText } from './expect-ui.js';
import { launchChromium, openPage, screenshot, type WatchedPage } from './browser.js';
import { rpc } from './rpc.js';

/** Export a session as JSON (and Markdown) from its page, import the JSON back from Sessions. */

let backend: E2eBackend;
let browser: Browser;
let w: WatchedPage;
let sessionId = '';
let dir = '';

beforeAll(async () => {
  backend = await startBackend();
  const r = await baselineReport('e2e-export', '2026-11-26T10:00:00.000Z');
  sessionId = (await rpc(backend, 'sessions/import', { filename: 'seed.json', content: JSON.stringify(r) })).id;
  browser = await launchChromium();
  w = await openPage(browser, { acceptDownloads: true });
  dir = mkdtempSync(join(tmpdir(), 'sw-e2e-export-'));
});

afterAll(async () => {
  await browser?.close();
  await backend?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('export and import', () => {
  let exported = '';

  it('downloads the report as JSON, Markdown and .cpuprofile', async () => {
    const { page } = w;
    await page.goto(`${backend.openUrl}#/session/${encodeURIComponent(sessionId)}/overview`);
    await page.getByTestId('overview').waitFor();
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    expect(json.suggestedFilename()).toMatch(/\.json$/);
    exported = join(dir, json.suggestedFilename());
    await json.saveAs(exported);
    const parsed = JSON.parse(readFileSync(exported, 'utf8')) as { schema_version: number; session: { name: string } };
    expect(parsed.schema_version).toBeGreaterThanOrEqual(1);
    expect(parsed.session.name).toBe('baseline (seed report)');
    const [md] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-markdown').click()]);
    const mdPath = join(dir, md.suggestedFilename());
    await md.saveAs(mdPath);
    expect(readFileSync(mdPath, 'utf8')).toMatch(/^#/m);
    const [prof] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-cpuprofile').click()]);
    expect(prof.suggestedFilename()).toMatch(/\.cpuprofile$/);
    const profPath = join(dir, prof.suggestedFilename());
    await prof.saveAs(profPath);
    const cpu = JSON.parse(readFileSync(profPath, 'utf8')) as { nodes: Array<{ callFrame: { functionName: string } }> };
    expect(cpu.nodes.map((n) => n.callFrame.functionName)).toContain('evaluate_policy');
  });

  it('imports the exported file and shows it in the sessions list', async () => {
    const { page } = w;
    await page.goto(`${backend.openUrl}#/sessions`);
    const rows = page.getByTestId('sessions-table').locator('tbody tr.row');
    await rows.first().waitFor();
    const before = await rows.count();
    await page.getByTestId('import-input').setInputFiles(exported);
    await expectText(page.getByRole('status').filter({ hasText: 'Imported' }), 'baseline (seed report)');
    await expect.poll(() => rows.count()).toBe(before + 1);
    await screenshot(page, 'sessions-after-import');
  });

  it('says in one line why a file is not a report', async () => {
    const { page } = w;
    const bad = join(dir, 'not-a-report.json');
    writeFileSync(bad, '{"hello": 1}');
    await page.getByTestId('import-input').setInputFiles(bad);
    const banner = page.locator('.banners .banner-error');
    await banner.waitFor();
    await expectText(banner, 'not-a-report.json');
    expect((await banner.textContent())?.includes('\n')).toBe(false);
  });

  it('deletes a session after confirmation', async () => {
    const { page } = w;
    const rows = page.getByTestId('sessions-table').locator('tbody tr.row');
    const before = await rows.count();
    await rows.first().getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => rows.count()).toBe(before - 1);
  });

  it('says on the Functions tab when times are estimates from a sample of requests', async () => {
    const { page } = w;
    const r = await baselineReport('e2e-sampled', '2026-11-26T11:00:00.000Z');
    r.function_timing = { traces: 180_000, timed_traces: 31_000, budget_per_s: 1_000 };
    const id = (await rpc(backend, 'sessions/import', { filename: 'sampled.json', content: JSON.stringify(r) })).id;
    await page.goto(`${backend.openUrl}#/session/${encodeURIComponent(id)}/functions`);
    await page.getByTestId('functions-table').waitFor();
    await expectText(page.getByTestId('function-timing-note'), 'estimated from 31,000 of 180,000 traces (requests and background jobs): above 1,000 a second, only a sample is timed. Calls and errors are exact.');
    await screenshot(page, 'session-functions-sampled');
    // A session whose every request was timed has no such note.
    const plain = await baselineReport('e2e-timed', '2026-11-26T12:00:00.000Z');
    const plainId = (await rpc(backend, 'sessions/import', { filename: 'timed.json', content: JSON.stringify(plain) })).id;
    await page.goto(`${backend.openUrl}#/session/${encodeURIComponent(plainId)}/functions`);
    await page.getByTestId('functions-table').waitFor();
    expect(await page.getByTestId('function-timing-note').count()).toBe(0);
  });
});
