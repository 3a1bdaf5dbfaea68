/**
 * Analysis of 100,000 trial rows must finish in seconds. Generates a synthetic study (3 models × 2 workloads ×
 * 3 load levels = 18 environments, 1,536 configurations of 7 knobs, repetitions, 2% failed and 1% invalid rows),
 * writes it as an analysis CSV, then times reading it and each part of the analysis. The same run at 10,000
 * rows gives the scaling ratio, measured side by side.
 *   npm run bench:analysis            (ROWS=100000 by default)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeTrials } from '../src/analysis/analyze.js';
import { readCsvTrialRows } from '../src/analysis/source/csv-rows.js';
import { createRng } from '../src/core/random.js';
import type { Configuration } from '../src/core/space.js';

const KNOBS: Record<string, readonly (number | boolean | string)[]> = {
  'batching.maxBatchSize': [1, 2, 4, 8, 16, 32],
  'batching.maxQueueDelayUs': [0, 2000],
  threads: [1, 2, 4, 8],
  instances: [1, 2, 3, 4],
  cache: [false, true],
  protocol: ['http', 'grpc'],
  'os.cpuCores': [1, 2],
};
const MODELS = { resnet50: 40, mobilenetv2: 9, 'bert-mini': 22 } as const;
const WORKLOADS = ['images', 'text'];
const LOADS = { light: 0.2, medium: 0.6, heavy: 0.9 } as const;

function configurations(): Configuration[] {
  let out: Record<string, number | boolean | string>[] = [{}];
  for (const [name, levels] of Object.entries(KNOBS)) out = out.flatMap((c) => levels.map((level) => ({ ...c, [name]: level })));
  return out;
}

function csvFor(rowCount: number): string {
  const rng = createRng(17, `bench-analysis-${rowCount}`);
  const configs = configurations();
  const environments = Object.keys(MODELS).flatMap((model) => WORKLOADS.flatMap((workload) => Object.keys(LOADS).map((load) => ({ model, workload, load }))));
  const repetitions = Math.max(1, Math.ceil(rowCount / (configs.length * environments.length)));
  const header = ['trial', 'repetition', 'state', 'valid', ...Object.keys(KNOBS).map((k) => `knob.${k}`), 'ctx.model', 'ctx.workload', 'ctx.load', 'metric.p99_ms', 'metric.energy_j_per_inf', 'metric.achieved_rps'];
  const lines = [header.join(',')];
  let trial = 0;
  outer: for (let r = 0; r < repetitions; r++) {
    for (const env of environments) {
      for (let c = 0; c < configs.length; c++) {
        if (lines.length > rowCount) break outer;
        const config = configs[c]!;
        const service = MODELS[env.model as keyof typeof MODELS] * (env.workload === 'text' ? 1.2 : 1);
        const utilisation = LOADS[env.load as keyof typeof LOADS];
        const batch = config['batching.maxBatchSize'] as number;
        const threads = config.threads as number;
        const cores = config['os.cpuCores'] as number;
        const parallel = Math.min(threads * (config.instances as number), 2 * cores);
        const computeMs = service * (1 + 0.2 * Math.log2(batch)) / Math.sqrt(batch * utilisation * 2 + 1) / Math.sqrt(parallel) * (threads > cores ? 1 + 0.3 * (threads - cores) : 1);
        const queueMs = utilisation / Math.max(0.05, 1 - utilisation) * computeMs / (config.instances as number) + (config['batching.maxQueueDelayUs'] as number) / 1000 * (1 - utilisation);
        const p99 = (computeMs + queueMs) * (config.cache ? 0.8 : 1) * (config.protocol === 'grpc' ? 0.95 : 1);
        const energy = service / 40 * (1 + 0.1 * (config.instances as number)) / Math.sqrt(batch * utilisation + 1) * (config.cache ? 0.85 : 1);
        const noise = (): number => 1 + 0.04 * rng.normal();
        const u = rng.next();
        const state = u < 0.02 ? 'failed' : 'completed';
        const valid = u < 0.03 && state !== 'failed' ? 'false' : 'true';
        const metrics = state === 'failed' ? ['', '', ''] : [(p99 * noise()).toFixed(3), (energy * noise()).toFixed(4), (100 * utilisation * noise()).toFixed(1)];
        lines.push([`t${env.model}-${env.workload}-${env.load}-${c}`, r, state, valid, ...Object.keys(KNOBS).map((k) => String(config[k])), env.model, env.workload, env.load, ...metrics].join(','));
        trial++;
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Wall time and CPU time (user + system) of one call, in seconds: on a shared machine CPU time drifts less. */
function timed<T>(run: () => T): [T, number, number] {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const value = run();
  const used = process.cpuUsage(cpu);
  return [value, (performance.now() - start) / 1000, (used.user + used.system) / 1e6];
}

interface Measurement {
  rows: number;
  /** CPU seconds (user + system) of each phase; wall seconds of read + full analysis. */
  readCpuS: number;
  analysisCpuS: number;
  fullCpuS: number;
  totalWallS: number;
  findings: number;
}

function measure(rowCount: number, dir: string): Measurement {
  const path = join(dir, `study-${rowCount}.csv`);
  writeFileSync(path, csvFor(rowCount));
  const [rows, readWallS, readCpuS] = timed(() => readCsvTrialRows(path));
  const [, , analysisCpuS] = timed(() => analyzeTrials(rows, { skipPrediction: true }));
  const [full, fullWallS, fullCpuS] = timed(() => analyzeTrials(rows));
  return { rows: rows.length, readCpuS, analysisCpuS, fullCpuS, totalWallS: readWallS + fullWallS, findings: full.findings.length };
}

const dir = mkdtempSync(join(tmpdir(), 'servelab-bench-analysis-'));
try {
  const target = Number(process.env.ROWS ?? 100000);
  measure(1000, dir); // warm-up: compile the hot paths before anything is timed
  const small = measure(Math.round(target / 10), dir);
  const large = measure(target, dir);
  const s = (x: number): string => `${x.toFixed(2)} s`;
  console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}`);
  console.log('CPU time (user + system) per phase; wall time of read + full analysis (shared machine: wall drifts)');
  console.log('rows      read CSV   analysis without prediction   prediction models   read + full analysis   wall       findings');
  for (const m of [small, large]) {
    console.log(`${String(m.rows).padEnd(9)} ${s(m.readCpuS).padEnd(10)} ${s(m.analysisCpuS).padEnd(29)} ${s(Math.max(0, m.fullCpuS - m.analysisCpuS)).padEnd(19)} ${s(m.readCpuS + m.fullCpuS).padEnd(22)} ${s(m.totalWallS).padEnd(10)} ${m.findings}`);
  }
  const ratio = (a: number, b: number): string => `×${(a / b).toFixed(1)}`;
  console.log(`ratio ${large.rows}/${small.rows} rows (10× the rows), CPU: read ${ratio(large.readCpuS, small.readCpuS)}, analysis without prediction ${ratio(large.analysisCpuS, small.analysisCpuS)}, read + full analysis ${ratio(large.readCpuS + large.fullCpuS, small.readCpuS + small.fullCpuS)}`);
  console.log(`goal: ${large.rows} rows analysed in seconds — read + full analysis took ${s(large.readCpuS + large.fullCpuS)} CPU, ${s(large.totalWallS)} wall`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
