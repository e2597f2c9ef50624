import type { Locator } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Retrying assertions on page content (playwright-core ships no test matchers): each polls
 * until the page shows what is expected or the timeout passes; generous for a loaded machine.
 */
const UI_TIMEOUT_MS = 30_000;

export async function expectText(l: Locator, expected: string | RegExp, timeout = UI_TIMEOUT_MS): Promise<void> {
  const text = () => l.first().textContent({ timeout }).then((t) => t ?? '');
  if (typeof expected === 'string') await expect.poll(text, { timeout }).toContain(expected);
  else await expect.poll(text, { timeout }).toMatch(expected);
}

export async function expectClass(l: Locator, cls: string, timeout = UI_TIMEOUT_MS): Promise<void> {
  await expect.poll(async () => (await l.getAttribute('class', { timeout })) ?? '', { timeout }).toContain(cls);
}

export async function expectCount(l: Locator, check: (n: number) => boolean, what: string, timeout = UI_TIMEOUT_MS): Promise<void> {
  await expect.poll(async () => check(await l.count()), { timeout, message: what }).toBe(true);
}
