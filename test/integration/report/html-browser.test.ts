import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumMissingReason, openReport } from '../../support/report/browser.js';
import { writeSyntheticReport } from '../../support/report/synthetic-report.js';

let report: Awaited<ReturnType<typeof writeSyntheticReport>>;

before(async () => {
  report = await writeSyntheticReport();
});
after(() => report?.remove());

test('the HTML page is self-contained: Vega inlined, no external scripts, styles or images', () => {
  const html = readFileSync(report.written.htmlPath!, 'utf8');
  assert.ok(!/<script[^>]+src=/i.test(html), 'no script src');
  assert.ok(!/<link[^>]+href=/i.test(html), 'no linked stylesheet');
  assert.ok(!/<img[^>]+src="?https?:/i.test(html), 'no remote image');
  assert.match(html, /vega/);
  assert.equal((html.match(/class="vega-figure"/g) ?? []).length, report.written.figures);
  for (const id of ['what-and-why', 'pareto-fronts', 'transfer', 'related-work', 'reproduce']) assert.match(html, new RegExp(`<section id="${id}">`));
});

test('in headless Chromium every figure renders as interactive SVG, with no console errors, and tooltips show configurations', async (t) => {
  const missing = chromiumMissingReason();
  if (missing) return t.skip(missing);
  const opened = await openReport(report.written.htmlPath!);
  try {
    assert.deepEqual(opened.consoleErrors, []);
    assert.equal(opened.figures.total, report.written.figures);
    assert.equal(opened.figures.interactive, report.written.figures, `failed: ${opened.figures.failed.join(', ')}`);
    const rendered = await opened.page.$$eval('.vega-figure[data-rendered="interactive"] svg.marks', (svgs) => svgs.length);
    assert.equal(rendered, report.written.figures);
    const marks = await opened.page.$$eval('#figure-pareto-p99-ms-energy-j-per-inf svg path', (paths) => paths.length);
    assert.ok(marks > 100, `the Pareto figure draws its points (${marks} paths)`);

    // Hover a Pareto point: the tooltip shows its configuration.
    const figure = await opened.page.$('#figure-pareto-p99-ms-energy-j-per-inf');
    await figure!.scrollIntoViewIfNeeded();
    const points = await opened.page.$$('#figure-pareto-p99-ms-energy-j-per-inf svg .mark-symbol path');
    assert.ok(points.length > 50);
    let shown = '';
    for (const point of points.slice(0, 40)) {
      await point.hover({ force: true });
      shown = await opened.page.$eval('#servelab-tooltip', (element) => ((element as unknown as { style: { display: string } }).style.display === 'block' ? element.textContent ?? '' : ''));
      if (shown) break;
    }
    assert.match(shown, /configuration/);
    assert.match(shown, /batching\.maxBatchSize=\d+/);

    const directory = join(report.directory, 'screenshots');
    mkdirSync(directory, { recursive: true });
    const screenshot = join(directory, 'pareto.png');
    await figure!.screenshot({ path: screenshot });
    assert.ok(existsSync(screenshot));
    const page = join(directory, 'page.png');
    await opened.page.screenshot({ path: page, fullPage: false });
    assert.ok(readFileSync(page).length > 10_000, 'a non-empty screenshot');
  } finally {
    await opened.browser.close();
  }
});
