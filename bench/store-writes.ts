/**
 * The results store's write cost per trial: 1,000 trials planned in one call, then each started and completed
 * (the writes a runner makes around every trial), on an SQLite file (WAL, full sync), an in-memory SQLite
 * database (the store's own CPU cost, without the disk) and, where PostgreSQL 15 is installed and this runs as
 * root, on a private PostgreSQL instance (fsync off, as in the tests). Wall time per trial, and this process's
 * CPU time per trial, which a busy machine disturbs less.
 *
 *   npx tsx bench/store-writes.ts [--trials 1000] [--rounds 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openResultsStore, type AsyncResultsStore } from '../src/store/async-store.js';
import type { PlannedTrial, TrialMeasurement } from '../src/store/types.js';
import { servicesUnavailableReason, startPostgres } from '../test/support/services.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 && args[index + 1] ? Number(args[index + 1]) : fallback;
};
const trialCount = option('trials', 1000);
const rounds = option('rounds', 3);

/** About the size of a real trial's record: a dozen metrics, a client summary and two encoded histograms. */
const measurement: TrialMeasurement = {
  metrics: Object.fromEntries(['p50_ms', 'p90_ms', 'p99_ms', 'p999_ms', 'mean_ms', 'throughput_rps', 'goodput_rps', 'energy_j_per_inf', 'cpu_util', 'rss_mb', 'error_rate', 'drop_rate'].map((name, i) => [name, 1.5 * (i + 1)])),
  valid: true,
  verdictReasons: [],
  client: { requests: 4000, completed: 3998, errors: { total: 2, byKind: { 'http-5xx': 2 } }, dropped: 0, generator: { scheduleLagMs: { p99: 3.2 } } },
  server: { queue_ms: 0.4, compute_ms: 1.6, batch_size_1: 3000, batch_size_2: 499 },
  energy: { meter: 'cpu-time-estimate', source: 'estimate', energyJ: 12.5 },
  histograms: { latency: 'H'.repeat(1500), queue: 'Q'.repeat(600) },
  applied: { configuration: { instances: 2, 'os.cpuCores': 2 }, os: [{ knob: 'os.cpuCores', requested: 2, applied: 'cpus 0,1', method: 'taskset' }] },
};

function plannedTrials(studyId: string): PlannedTrial[] {
  return Array.from({ length: trialCount }, (_, i) => ({
    trialId: `${studyId}-t${i}`,
    studyId,
    configuration: { instances: (i % 4) + 1, 'batching.enabled': i % 2 === 0, 'batching.maxBatchSize': 2 ** (i % 5), 'ort.intraOpThreads': (i % 3) + 1 },
    context: { model: 'mnist-cnn', workload: 'mnist-digits', load: `rate-${i % 7}` },
    repetition: Math.floor(i / 100),
  }));
}

interface RoundResult {
  readonly planUsPerTrial: number;
  readonly writeUsPerTrial: number;
  readonly writeCpuUsPerTrial: number;
}

async function round(store: AsyncResultsStore, studyId: string): Promise<RoundResult> {
  await store.openStudy({ studyId, definitionHash: 'h', definition: { name: studyId }, seed: 1, expectedTrials: trialCount });
  const trials = plannedTrials(studyId);
  const planStart = performance.now();
  await store.planTrials(trials);
  const planMs = performance.now() - planStart;
  const writeStart = performance.now();
  const cpuStart = process.cpuUsage();
  for (const trial of trials) {
    await store.startTrial(trial.trialId);
    await store.completeTrial(trial.trialId, measurement);
  }
  const cpu = process.cpuUsage(cpuStart);
  const writeMs = performance.now() - writeStart;
  if ((await store.progress(studyId)).completed !== trialCount) throw new Error(`${studyId}: not every trial completed`);
  return { planUsPerTrial: (planMs * 1000) / trialCount, writeUsPerTrial: (writeMs * 1000) / trialCount, writeCpuUsPerTrial: (cpu.user + cpu.system) / trialCount };
}

async function measure(name: string, open: () => Promise<AsyncResultsStore>): Promise<void> {
  const store = await open();
  try {
    const results: RoundResult[] = [];
    for (let i = 0; i < rounds; i++) results.push(await round(store, `bench-${i}`));
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const plan = median(results.map((r) => r.planUsPerTrial));
    const write = median(results.map((r) => r.writeUsPerTrial));
    const writeCpu = median(results.map((r) => r.writeCpuUsPerTrial));
    console.log(
      `${name.padEnd(14)} plan ${plan.toFixed(0).padStart(5)} us/trial   start+complete ${write.toFixed(0).padStart(6)} us/trial, CPU ${writeCpu.toFixed(0).padStart(5)} us/trial   (median of ${rounds} rounds of ${trialCount} trials)`,
    );
  } finally {
    await store.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'servelab-store-bench-'));
try {
  await measure('sqlite file', () => openResultsStore(join(dir, 'bench.db')));
  await measure('sqlite memory', () => openResultsStore(':memory:'));
  const unavailable = servicesUnavailableReason();
  if (unavailable) console.log(`postgres       skipped: ${unavailable}`);
  else {
    const postgres = await startPostgres();
    try {
      await measure('postgres', () => openResultsStore(postgres.url));
    } finally {
      await postgres.stop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
