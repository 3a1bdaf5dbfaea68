/**
 * Opens the dashboard in headless Debian Chromium (playwright-core) and collects console errors; any request
 * outside the dashboard's own origin is recorded as an error (the page must work offline).
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, collectConsoleErrors } from '../report/browser.js';

export { chromiumMissingReason } from '../report/browser.js';

export interface OpenedDashboard {
  readonly browser: Browser;
  readonly page: Page;
  readonly consoleErrors: string[];
}

export async function openDashboard(url: string, viewport = { width: 1400, height: 1000 }): Promise<OpenedDashboard> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport });
    const consoleErrors = collectConsoleErrors(page);
    const origin = new URL(url).origin;
    await page.route((requested) => !requested.href.startsWith(origin) && !/^(data|about|blob):/.test(requested.protocol), (route) => {
      consoleErrors.push(`request outside the dashboard: ${route.request().url()}`);
      return route.abort();
    });
    await page.goto(url);
    return { browser, page, consoleErrors };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** The number shown in a progress counter (planned, running, completed, ...). */
export async function progressCount(page: Page, name: string): Promise<number> {
  const text = await page.$eval(`[data-count="${name}"]`, (element) => element.textContent ?? '');
  return Number(text);
}

/** Polls (from the test, not the page) until the check passes; the last value is in the error otherwise. */
export async function waitUntil<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value)) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

/** Waits for a progress counter to satisfy the check. */
export function waitForCount(page: Page, name: string, check: (count: number) => boolean, timeoutMs = 60_000): Promise<number> {
  return waitUntil(() => progressCount(page, name).catch(() => Number.NaN), check, `the ${name} count`, timeoutMs);
}

export async function textOf(page: Page, selector: string): Promise<string | null> {
  return page.$eval(selector, (element) => element.textContent).catch(() => null);
}
