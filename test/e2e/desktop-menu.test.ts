import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type E2eBackend } from './backend.js';
import { launchChromium, openPage, type WatchedPage } from './browser.js';

/** The desktop menu's commands arrive as DOM events (main/menu.ts -> preload); the page acts on them. */

let backend: E2eBackend;
let browser: Browser;
let w: WatchedPage;

beforeAll(async () => {
  backend = await startBackend();
  browser = await launchChromium();
  w = await openPage(browser, { colorScheme: 'light' });
});
afterAll(async () => {
  await browser?.close();
  await backend?.close();
});

describe('desktop menu commands', () => {
  it('View > Toggle Theme flips the theme; File > Export without a session says what to do', async () => {
    const { page } = w;
    await page.goto(`${backend.openUrl}#/sessions`);
    await page.getByTestId('connection').getByText('Connected').waitFor();
    const theme = () => page.evaluate<string | undefined>('document.documentElement.dataset.theme');
    const before = await theme();
    await page.evaluate("window.dispatchEvent(new Event('sark-workbench:toggle-theme'))");
    await expect.poll(theme).not.toBe(before);
    await page.evaluate("window.dispatchEvent(new Event('sark-workbench:export-report'))");
    await page.getByText('Open a session to export it').waitFor();
  });
});
