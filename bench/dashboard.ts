/**
 * bench:dashboard — the dashboard on a study of 10,000 trials (synthetic, written through the store's API to an
 * SQLite file), opened in headless Chromium: time to first render (the table, then the figures), then the cost
 * of each update as further trials complete one by one (the worker's read, the page's delta and redraw, the
 * commit-to-page latency), the analysis' duration, the page's long tasks and the HTTP thread's event-loop delay.
 *
 *   npm run bench:dashboard [-- --trials 10000 --updates 20 --store /dev/shm/study.db]
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { startWorker } from '../src/core/worker.js';
import { startDashboard } from '../src/dashboard/dashboard-server.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import type { PlannedTrial } from '../src/store/types.js';
import { CHROMIUM_PATH, chromiumMissingReason } from '../test/support/report/browser.js';
import { finishSyntheticTrial, planSyntheticStudy } from '../test/support/dashboard/synthetic-store.js';

const argument = (name: string): string | undefined => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const TRIALS = Number(argument('--trials') ?? 10_000);
const UPDATES = Number(argument('--updates') ?? 20);
// 960 configurations x 12 environments: 11,520 trials planned, TRIALS of them measured before the page opens.
const KNOBS = { instances: [1, 2, 3, 4], 'batching.enabled': [false, true], 'batching.maxBatchSize': [1, 2, 4, 8, 16], 'ort.intraOpThreads': [1, 2, 3, 4], cache: [false, true], protocol: ['kserve-http', 'kserve-http-binary', 'kserve-grpc'] };
const CONTEXTS = ['mnist-cnn', 'sentiment-cls', 'lstm-forecaster'].flatMap((model) => ['light', 'medium', 'high', 'overload'].map((load) => ({ model, workload: `${model}-data`, load })));

const missing = chromiumMissingReason();
if (missing) {
  console.error(`bench:dashboard needs Chromium: ${missing}`);
  process.exit(1);
}

const loadBefore = loadavg();
console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} CPUs), Node ${process.version}; load average ${loadBefore.map((value) => value.toFixed(2)).join(' ')}`);

// A tmpfs keeps the store's per-trial fsyncs from dominating the set-up.
const scratch = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'servelab-bench-dashboard-'));
const storePath = argument('--store') ?? join(scratch, 'study.db');
const writer = openSqliteStore(storePath);
let planned: PlannedTrial[];
let pending: PlannedTrial[];
const reuse = argument('--store') !== undefined && writer.studies().length > 0;
if (reuse) {
  // A store from an earlier run: its still-planned trials complete during this one.
  const stored = writer.trials('synthetic');
  planned = stored.map((trial) => ({ trialId: trial.trialId, studyId: 'synthetic', configuration: trial.row.configuration, context: trial.row.context, repetition: trial.row.repetition }));
  pending = planned.filter((_, index) => stored[index]!.state === 'planned').slice(0, UPDATES);
  console.log(`store: ${planned.length} trials planned, ${stored.length - stored.filter((trial) => trial.state === 'planned').length} finished (reused)`);
} else {
  const startedMs = performance.now();
  planned = planSyntheticStudy(writer, { knobs: KNOBS, contexts: CONTEXTS, failEvery: 50 });
  for (let index = 0; index < TRIALS; index++) {
    finishSyntheticTrial(writer, planned[index]!, index, { failEvery: 50 });
    if ((index + 1) % 2000 === 0) console.log(`  wrote ${index + 1} trials`);
  }
  console.log(`store: ${planned.length} trials planned, ${TRIALS} finished, written in ${seconds(performance.now() - startedMs)}`);
  pending = planned.slice(TRIALS, TRIALS + UPDATES);
}
writer.close();

const EVENT_LOOP_RESOLUTION_MS = 5;
const eventLoop = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
eventLoop.enable();
// The histogram counts the sampling interval itself; what is beyond it is the delay.
const delay = (nanoseconds: number): string => ms(Math.max(0, nanoseconds / 1e6 - EVENT_LOOP_RESOLUTION_MS));
const eventLoopPhases: string[] = [];
const endPhase = (name: string): void => {
  eventLoopPhases.push(`${name}: p50 ${delay(eventLoop.percentile(50))}, p99 ${delay(eventLoop.percentile(99))}, max ${delay(eventLoop.max)}`);
  eventLoop.reset();
};
const startedMs = performance.now();
const dashboard = await startDashboard({ location: storePath, port: 0, pollIntervalMs: 250 });
await dashboard.state.firstSnapshot(600_000);
const firstTableMs = performance.now() - startedMs;
while (dashboard.state.timings.frontsMs.length === 0) await sleep(50);
const firstFrontsMs = performance.now() - startedMs;
while (dashboard.state.timings.effectsMs.length === 0) await sleep(50);
const firstEffectsMs = performance.now() - startedMs;
endPhase('start to first effects');

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
await page.addInitScript(() => {
  const scope = globalThis as unknown as { longTasks: number[]; PerformanceObserver: new (callback: (list: { getEntries(): { duration: number }[] }) => void) => { observe(options: unknown): void } };
  scope.longTasks = [];
  new scope.PerformanceObserver((list) => list.getEntries().forEach((entry) => scope.longTasks.push(entry.duration))).observe({ type: 'longtask', buffered: true });
});
const rows = planned.length;
const openedMs = performance.now();
await page.goto(dashboard.url);
await waitFor(async () => (await page.textContent('#trial-count')) === `${rows.toLocaleString('en-US')} trials` || (await page.textContent('#trial-count')) === `${rows} trials`, 120_000);
const tableShownMs = performance.now() - openedMs;
await page.waitForSelector('body[data-figures-version]', { timeout: 300_000 });
const figuresShownMs = performance.now() - openedMs;
const initial = await pageTimings();
endPhase('page opened and drawn');

// Updates: one trial completes at a time (committed by a writer thread); each is followed to the page before the next.
const writerThread = startWorker(new URL(`./dashboard-writer${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url), { workerData: { storePath } });
const committed = (): Promise<void> => new Promise((resolve) => writerThread.once('message', () => resolve()));
await page.evaluate(() => ((globalThis as unknown as { longTasks: number[] }).longTasks = []));
const readsBefore = dashboard.state.timings.readMs.length;
const frontsBefore = dashboard.state.timings.frontsMs.length;
const effectsBefore = dashboard.state.timings.effectsMs.length;
const latencies: number[] = [];
for (const [index, trial] of pending.entries()) {
  const version = await page.getAttribute('body', 'data-trials-version');
  writerThread.postMessage({ trial, index: TRIALS + index });
  await committed();
  const committedMs = performance.now();
  await waitFor(async () => (await page.getAttribute('body', 'data-trials-version')) !== version, 30_000);
  latencies.push(performance.now() - committedMs);
}
const finished = JSON.parse(dashboard.state.progressJson ?? '{}') as { completed: number; failed: number };
await waitFor(async () => (JSON.parse(dashboard.state.analysisJson ?? '{}') as { fronts?: { finished: number } }).fronts?.finished === finished.completed + finished.failed, 300_000);
await waitFor(async () => Number(await page.getAttribute('body', 'data-figures-version')) === dashboard.state.analysisVersion, 300_000);
const updated = await pageTimings();
const longTasks = await page.evaluate(() => (globalThis as unknown as { longTasks: number[] }).longTasks);
endPhase('updates');
eventLoop.disable();

const reads = dashboard.state.timings.readMs.slice(readsBefore);
const { frontsMs, effectsMs } = dashboard.state.timings;
const updateDeltas = updated.delta.slice(initial.delta.length);
const updateRenders = updated.render.slice(initial.render.length);
const updateFigures = updated.figures.slice(initial.figures.length);
console.log(`\n${rows.toLocaleString('en-US')} trials in the store, ${pending.length} updates\n`);
console.log('| what | median | p90 | max |');
console.log('|---|---:|---:|---:|');
row('worker: first read of every trial', [dashboard.state.timings.readMs[0]!]);
row('worker: first fronts + convergence figures', [frontsMs[0]!]);
row('worker: first whole analysis + effects, transfer figures', [effectsMs[0]!]);
row('dashboard start to first table (worker)', [firstTableMs]);
row('dashboard start to first fronts (worker)', [firstFrontsMs]);
row('dashboard start to first effects (worker)', [firstEffectsMs]);
row('page: open to table shown', [tableShownMs]);
row('page: open to figures drawn', [figuresShownMs]);
row('page: table load (fetch + parse + merge)', initial.load);
row('page: first table render (filter, sort, draw)', initial.render.slice(0, 1));
row('page: first figures drawn', initial.figures.slice(0, 1));
row('update: worker read of the changes', reads);
row('update: page applies the delta', updateDeltas);
row('update: page re-filters, sorts and draws', updateRenders);
row('update: commit to page (250 ms poll)', latencies);
row(`update: fronts + figures in the worker (${frontsMs.length - frontsBefore} reruns)`, frontsMs.slice(Math.max(1, frontsBefore)));
row(`update: whole analysis in its worker (${effectsMs.length - effectsBefore} reruns)`, effectsMs.slice(Math.max(1, effectsBefore)));
row('update: page redraws the figures', updateFigures);
console.log(`\npage long tasks (> 50 ms) during the updates: ${longTasks.length}, longest ${longTasks.length > 0 ? ms(Math.max(...longTasks)) : '–'}`);
console.log(`HTTP thread event-loop delay (the benchmark drives the browser from the same thread) — ${eventLoopPhases.join('; ')}`);
console.log(`load average after: ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);

writerThread.postMessage(null);
await browser.close();
await dashboard.close();
rmSync(scratch, { recursive: true, force: true });

async function pageTimings(): Promise<{ load: number[]; delta: number[]; render: number[]; figures: number[] }> {
  const timings = await page.evaluate(() => (globalThis as unknown as { servelabDashboard?: Record<string, number[]> }).servelabDashboard ?? {});
  return { load: timings.load ?? [], delta: timings.delta ?? [], render: timings.render ?? [], figures: timings.figures ?? [] };
}

function row(what: string, values: readonly number[]): void {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): string => (sorted.length === 0 ? '–' : ms(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!));
  console.log(`| ${what} | ${at(0.5)} | ${sorted.length > 1 ? at(0.9) : ''} | ${sorted.length > 1 ? ms(sorted.at(-1)!) : ''} |`);
}

function ms(value: number): string {
  return value >= 1000 ? seconds(value) : `${value.toFixed(value < 10 ? 1 : 0)} ms`;
}

function seconds(value: number): string {
  return `${(value / 1000).toFixed(2)} s`;
}

function sleep(durationMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, durationMs));
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench:dashboard: timed out after ${timeoutMs} ms`);
    await sleep(20);
  }
}
