/**
 * How fast the UI shows a large session (issue 6: the Overview of a 1,000,000-request session
 * renders in < 1 s). Chromium (Debian's, via playwright-core) against the backend in web mode;
 * a 1,000,000-request report with a 1,800-point timeline and thousands of table rows is
 * imported, then each round times, inside the page, from the route change to:
 *   - Overview: the `sark:overview-ready` mark (its two charts have painted, after sessions/get);
 *   - Queries: the 3,000-fingerprint table's rows on screen (two frames later);
 *   - Functions: the 1,500-row table and the flame graph on screen.
 * The same is timed for a 2-minute session in the same run, so the ratio shows what size costs.
 * Prints each round, the medians, the ratios, then one JSON line.
 *
 *   npx tsx test/bench/ui-overview.ts [--rounds 5]
 */
import type { Page } from 'playwright-core';
import { baselineReport, hugeReport } from '../fixtures/dev-api-reports.js';
import { startBackend } from '../e2e/backend.js';
import { launchChromium, openPage } from '../e2e/browser.js';
import { rpc } from '../e2e/rpc.js';

const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg >= 0 ? Math.max(1, Number(process.argv[roundsArg + 1]) || 5) : 5;
/** The budget for the large Overview. */
const BUDGET_MS = 1000;

/**
 * Runs in the page (a string, so this Node-side file needs no DOM types): sets the route, waits
 * until `ready` is true, then two animation frames (layout and paint of what became ready).
 */
const TIME_ROUTE = `async ({ hash, ready, mark }) => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  performance.clearMarks(mark);
  const t0 = performance.now();
  location.hash = hash;
  for (;;) {
    if (mark ? performance.getEntriesByName(mark).length > 0 : document.querySelector(ready)) break;
    await frame();
  }
  await frame();
  await frame();
  return performance.now() - t0;
}`;

async function timeRoute(page: Page, hash: string, ready: string, mark = ''): Promise<number> {
  await page.evaluate(`location.hash = '#/sessions'`);
  await page.getByTestId('sessions-table').waitFor();
  const fn = `(${TIME_ROUTE})(${JSON.stringify({ hash, ready, mark })})`;
  return (await page.evaluate(fn)) as number;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

const backend = await startBackend();
const browser = await launchChromium();
try {
  const huge = await hugeReport('bench-1m', '2026-11-26T08:00:00.000Z');
  const small = await baselineReport('bench-2m', '2026-11-26T10:00:00.000Z');
  const hugeJson = JSON.stringify(huge);
  const hugeId = (await rpc(backend, 'sessions/import', { filename: 'huge.json', content: hugeJson })).id;
  const smallId = (await rpc(backend, 'sessions/import', { filename: 'small.json', content: JSON.stringify(small) })).id;
  console.log(`large session: ${huge.summary.requests.toLocaleString('en-US')} requests, ${huge.timeline.length} timeline points, ${huge.queries.by_fingerprint.length} fingerprints, ${huge.functions.length} functions, ${(hugeJson.length / 1e6).toFixed(1)} MB of JSON`);

  const { page, errors } = await openPage(browser);
  await page.goto(`${backend.openUrl}#/sessions`);
  await page.getByTestId('sessions-table').waitFor();

  const cases = [
    { name: 'overview', tab: 'overview', ready: '', mark: 'sark:overview-ready' },
    { name: 'queries', tab: 'queries', ready: '[data-testid="fingerprint-table"] tbody tr.row', mark: '' },
    { name: 'functions', tab: 'functions', ready: '[data-testid="flame-graph"] .flame-frame', mark: '' },
  ];
  const results: Record<string, { large: number[]; small: number[] }> = {};
  for (const c of cases) results[c.name] = { large: [], small: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    const line: string[] = [];
    for (const c of cases) {
      // Alternate which size goes first so a neighbour's burst does not always hit the same one.
      const order = round % 2 === 0 ? (['small', 'large'] as const) : (['large', 'small'] as const);
      for (const size of order) {
        const id = size === 'large' ? hugeId : smallId;
        const ms = await timeRoute(page, `#/session/${encodeURIComponent(id)}/${c.tab}`, c.ready, c.mark);
        results[c.name]![size].push(ms);
      }
      line.push(`${c.name} ${results[c.name]!.large.at(-1)!.toFixed(0)} ms (small ${results[c.name]!.small.at(-1)!.toFixed(0)} ms)`);
    }
    console.log(`round ${round}: ${line.join(' · ')}`);
  }
  const summary = Object.fromEntries(
    Object.entries(results).map(([k, v]) => [k, { large_median_ms: Math.round(median(v.large)), large_max_ms: Math.round(Math.max(...v.large)), small_median_ms: Math.round(median(v.small)), ratio: +(median(v.large) / median(v.small)).toFixed(2) }]),
  );
  for (const [k, v] of Object.entries(summary)) console.log(`${k}: large median ${v.large_median_ms} ms (max ${v.large_max_ms}), small median ${v.small_median_ms} ms, large/small ${v.ratio}x`);
  const overview = summary.overview!;
  console.log(`Overview of the 1,000,000-request session: median ${overview.large_median_ms} ms — ${overview.large_median_ms < BUDGET_MS ? 'within' : 'OVER'} the ${BUDGET_MS} ms budget`);
  if (errors.length > 0) console.log(`page errors: ${errors.join(' | ')}`);
  console.log(JSON.stringify({ bench: 'ui-overview', rounds: ROUNDS, budget_ms: BUDGET_MS, ...summary, page_errors: errors.length }));
} finally {
  await browser.close();
  await backend.close();
}
