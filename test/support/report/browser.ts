/**
 * Opens an HTML report in headless Debian Chromium (playwright-core), waits for every figure to render
 * interactively, and collects console errors. Tests skip with the reason when Chromium is absent.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.SERVELAB_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function chromiumMissingReason(): string | undefined {
  return existsSync(CHROMIUM_PATH) ? undefined : `Chromium is not installed at ${CHROMIUM_PATH} (apt-get install chromium)`;
}

export interface OpenedReport {
  readonly browser: Browser;
  readonly page: Page;
  readonly consoleErrors: string[];
  readonly figures: { total: number; interactive: number; failed: string[] };
}

/** Console errors and uncaught page errors, collected as they happen. */
export function collectConsoleErrors(page: Page): string[] {
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  return consoleErrors;
}

export async function openReport(htmlPath: string, viewport = { width: 1280, height: 900 }): Promise<OpenedReport> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport });
    const consoleErrors = collectConsoleErrors(page);
    // Anything the page tries to fetch is a bug: the report must be self-contained.
    await page.route(/^(?!file:|data:|about:)/, (route) => {
      consoleErrors.push(`network request: ${route.request().url()}`);
      return route.abort();
    });
    await page.goto(pathToFileURL(htmlPath).href);
    await page.waitForSelector('body[data-figures-ready="true"]', { timeout: 60_000 });
    const figures = await page.evaluate(() => (globalThis as unknown as { servelabFigures: OpenedReport['figures'] }).servelabFigures);
    return { browser, page, consoleErrors, figures };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
