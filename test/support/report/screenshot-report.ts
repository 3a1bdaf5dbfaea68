/**
 * Screenshots of a rendered HTML report, for looking at the figures:
 *   node --import tsx test/support/report/screenshot-report.ts report.html OUT_DIR [figure-id ...]
 * With no figure ids, every figure is captured, plus the top of the page.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openReport } from './browser.js';

const [htmlPath, outDir = 'screenshots', ...ids] = process.argv.slice(2);
if (!htmlPath) throw new Error('usage: screenshot-report.ts report.html OUT_DIR [figure-id ...]');
mkdirSync(outDir, { recursive: true });
const opened = await openReport(resolve(htmlPath));
try {
  console.log('figures', opened.figures, 'console errors', opened.consoleErrors);
  const figureIds = ids.length > 0 ? ids : await opened.page.$$eval('.vega-figure', (elements) => elements.map((element) => element.getAttribute('data-figure') ?? ''));
  for (const id of figureIds) {
    const element = await opened.page.$(`#figure-${id}`);
    if (element) await element.screenshot({ path: join(outDir, `${id}.png`) });
  }
  await opened.page.evaluate('window.scrollTo(0, 0)');
  await opened.page.screenshot({ path: join(outDir, 'page-top.png') });
  console.log('wrote', figureIds.length + 1, 'screenshots to', outDir);
} finally {
  await opened.browser.close();
}
