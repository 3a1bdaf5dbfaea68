/**
 * The dashboard in headless Chromium while `explore` runs a study (real servers, the fake load driver): the
 * progress, the table and the Pareto figure appear and update as trials complete, a trial's detail opens,
 * filtering and compare work, and the page logs no error and fetches nothing from outside.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startDashboard, type RunningDashboard } from '../../../src/dashboard/dashboard-server.js';
import { silentProgress } from '../../../src/run/progress.js';
import { explore } from '../../../src/run/runner.js';
import { chromiumMissingReason, openDashboard, progressCount, textOf, waitForCount, waitUntil } from '../../support/dashboard/dashboard-browser.js';
import { fakeLoadDriver } from '../../support/dashboard/fake-driver.js';

const STUDY = `
name: dashboard-e2e
models: [mnist-cnn]
workloads: [mnist-digits]
knobs:
  instances: [1, 2]
  batching.enabled: [false, true]
load:
  pattern: constant
  rates: [200, 300]
  duration: 4s
  warmup: 200ms
seed: 3
energy: { meter: estimate }
`;

test('while a study runs, the page shows progress, the table and the Pareto front, and they update', async (t) => {
  const missing = chromiumMissingReason();
  if (missing) return t.skip(missing);
  const directory = mkdtempSync(join(tmpdir(), 'servelab-dashboard-e2e-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const studyPath = join(directory, 'study.yaml');
  const dbPath = join(directory, 'study.db');
  writeFileSync(studyPath, STUDY);
  const explored = explore({ studyPath, dbPath, driver: fakeLoadDriver({ runWallMs: 800 }), progress: silentProgress });
  explored.catch(() => undefined);
  t.after(() => explored.catch(() => undefined));

  const dashboard = await startWhenStudyExists(dbPath);
  t.after(() => dashboard.close());
  const { browser, page, consoleErrors } = await openDashboard(dashboard.url);
  t.after(() => browser.close());

  await waitForCount(page, 'planned', (count) => count === 8);
  assert.equal(await page.textContent('#study-name'), 'dashboard-e2e');
  await page.waitForSelector('#live-status[data-state="live"]');
  await waitForCount(page, 'completed', (count) => count >= 1, 120_000);
  await page.waitForSelector('figure[data-figure-id^="pareto-"][data-rendered] svg .mark-symbol', { timeout: 60_000 });
  assert.equal(await page.$$eval('#trial-table tbody tr[data-trial-id]', (rows) => rows.length), 8, 'every planned trial is listed');

  // Updates arrive as trials complete: the counters, the table's verdicts and the figures move on.
  const completedBefore = await progressCount(page, 'completed');
  const figuresBefore = Number(await page.getAttribute('body', 'data-figures-version'));
  await waitForCount(page, 'completed', (count) => count > completedBefore, 120_000);
  await waitUntil(async () => Number(await page.getAttribute('body', 'data-figures-version')), (version) => version > figuresBefore, 'redrawn figures');
  const verdicts = await page.$$eval('#trial-table tbody tr[data-trial-id]', (rows) => rows.map((row) => row.getAttribute('data-verdict')));
  assert.ok(verdicts.filter((verdict) => verdict === 'valid' || verdict === 'invalid').length > completedBefore);

  // Filtering: a text column, then a number column, then an unreadable filter, then none.
  await page.fill('input[data-filter="load"]', '=constant@200rps');
  await waitUntil(() => textOf(page, '#trial-count'), (text) => text === '4 of 8 trials', 'the filtered count');
  const loads = await page.$$eval('#trial-table tbody tr[data-trial-id] td:nth-child(6)', (cells) => cells.map((cell) => cell.textContent));
  assert.deepEqual(loads, ['constant@200rps', 'constant@200rps', 'constant@200rps', 'constant@200rps']);
  await page.fill('input[data-filter="knob:instances"]', '>=2');
  await waitUntil(() => textOf(page, '#trial-count'), (text) => text === '2 of 8 trials', 'the filtered count');
  await page.fill('input[data-filter="knob:instances"]', 'two');
  assert.equal(await page.getAttribute('input[data-filter="knob:instances"]', 'class'), 'invalid');
  assert.match((await page.getAttribute('input[data-filter="knob:instances"]', 'title'))!, /expected a number filter/);
  await page.click('#clear-filters');
  await waitUntil(() => textOf(page, '#trial-count'), (text) => text === '8 trials', 'the unfiltered count');
  // Sorting: the table starts sorted by trial id; a click on that header reverses it.
  const ids = async (): Promise<string[]> => page.$$eval('#trial-table tbody tr[data-trial-id]', (rows) => rows.map((row) => row.getAttribute('data-trial-id') ?? ''));
  const ascending = await ids();
  assert.deepEqual(ascending, [...ascending].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })), 'natural order');
  await page.click('th[data-column="id"]');
  await page.waitForSelector('th[data-column="id"][data-sort="desc"]');
  await waitUntil(ids, (order) => order.join() === [...ascending].reverse().join(), 'the reversed order');

  // A completed trial opens with its per-window series, energy reading and applied knobs.
  await page.click('#trial-table tbody tr[data-verdict="valid"] td:nth-child(3)');
  await page.waitForSelector('#trial-detail[open][data-ready]:not([data-ready="error"])', { timeout: 30_000 });
  assert.ok((await page.$$('#series-latency svg .mark-line path')).length >= 1, 'the latency series is drawn');
  assert.ok((await page.$$('#series-throughput svg')).length === 1);
  const detailText = (await page.textContent('#trial-detail'))!;
  assert.match(detailText, /cpu-time-estimate/);
  assert.match(detailText, /p99 latency \(ms\)/);
  await page.keyboard.press('Escape');
  await page.waitForSelector('#trial-detail:not([open])', { state: 'attached' });

  await explored;
  await waitForCount(page, 'completed', (count) => count === 8);
  assert.equal(await progressCount(page, 'running'), 0);

  // Compare two configurations, once all are measured.
  // Ticking redraws the rows (in the same order), so each box is found afresh.
  const boxes = page.locator('#trial-table tbody tr[data-verdict="valid"] input[type=checkbox]');
  const configs = await page.$$eval('#trial-table tbody tr[data-verdict="valid"]', (rows) => rows.map((row) => row.getAttribute('data-config')));
  const second = configs.findIndex((config) => config !== configs[0]);
  assert.ok(second > 0, 'two valid configurations to compare');
  await boxes.nth(0).check();
  await boxes.nth(second).check();
  await page.waitForSelector('#compare:not([hidden]) table.compare');
  assert.equal(await page.$$eval('#compare table.compare thead th', (cells) => cells.length), 4, 'environment, objective and two configurations');

  assert.deepEqual(consoleErrors, []);
});

/** The dashboard needs the study in the store: explore creates it after its checks. */
async function startWhenStudyExists(dbPath: string): Promise<RunningDashboard> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      return await startDashboard({ location: dbPath, port: 0, pollIntervalMs: 250 });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
