/**
 * Does a study give the same answer twice? Runs a study (default examples/repeatability.yaml) twice on this
 * machine into two fresh databases and prints the share of VALID trials and, over the configurations, the
 * Spearman correlation and median relative difference between the runs for p99 and energy per inference.
 * Run it alone on a quiet machine: the load average is printed before and after.
 *
 *   npm run bench:repeatability -- [--study examples/repeatability.yaml] [--runs 2]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spearman } from '../src/analysis/stats/correlation.js';
import { configurationKey } from '../src/core/space.js';
import type { TrialRow } from '../src/core/trial.js';
import { silentProgress } from '../src/run/progress.js';
import { explore } from '../src/run/runner.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';

const { values: args } = parseArgs({ options: { study: { type: 'string', default: 'examples/repeatability.yaml' }, runs: { type: 'string', default: '2' } } });
const METRICS = ['p99_ms', 'energy_j_per_inf'] as const;

const load = (): string => loadavg().map((value) => value.toFixed(2)).join(' ');
console.log(`repeatability of ${args.study}: ${args.runs} runs; load average at start ${load()}`);
const dir = mkdtempSync(join(tmpdir(), 'servelab-repeatability-'));
const runs: TrialRow[][] = [];
try {
  for (let run = 0; run < Number(args.runs); run++) {
    const dbPath = join(dir, `run-${run}.db`);
    const summary = await explore({ studyPath: args.study, dbPath, progress: silentProgress });
    const store = openSqliteStore(dbPath, { mustExist: true });
    const rows = store.trialRows(summary.studyId);
    const reasons = new Map(store.trials(summary.studyId).map((trial) => [trial.row.trialId, (trial.measurement?.verdictReasons ?? []).map((reason) => reason.message)]));
    const layout = (store.environments(summary.studyId)[0]?.details as { cpuLayout?: { description?: string } } | undefined)?.cpuLayout?.description;
    store.close();
    runs.push(rows);
    const valid = rows.filter((row) => row.state === 'completed' && row.valid).length;
    console.log(`run ${run + 1}: ${valid} of ${rows.length} trials VALID, ${(summary.durationMs / 1000).toFixed(0)} s (${layout ?? 'layout not recorded'})`);
    for (const row of rows.filter((r) => !(r.state === 'completed' && r.valid))) {
      const why = row.failure ? `${row.failure.kind}: ${row.failure.reason}` : (reasons.get(row.trialId) ?? []).join('; ');
      console.log(`  not valid: ${configurationKey(row.configuration)} ${why}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const all = runs.flat();
const validShare = all.filter((row) => row.state === 'completed' && row.valid).length / all.length;
console.log(`\nVALID: ${(validShare * 100).toFixed(1)}% of ${all.length} trials`);

// Run-to-run agreement over the configurations measured in both runs (completed trials; a configuration's mean over its repetitions).
const meanByKey = (rows: readonly TrialRow[], metric: string): Map<string, number> => {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const row of rows) {
    const value = row.metrics[metric];
    if (row.state !== 'completed' || value === undefined || !Number.isFinite(value)) continue;
    const key = `${configurationKey(row.configuration)} ${row.context.model} ${row.context.workload} ${row.context.load}`;
    const entry = sums.get(key) ?? { sum: 0, n: 0 };
    sums.set(key, { sum: entry.sum + value, n: entry.n + 1 });
  }
  return new Map([...sums].map(([key, { sum, n }]) => [key, sum / n]));
};
for (let run = 1; run < runs.length; run++) {
  for (const metric of METRICS) {
    const first = meanByKey(runs[0]!, metric);
    const other = meanByKey(runs[run]!, metric);
    const keys = [...first.keys()].filter((key) => other.has(key)).sort();
    const x = keys.map((key) => first.get(key)!);
    const y = keys.map((key) => other.get(key)!);
    const relative = keys.map((_, i) => Math.abs(y[i]! - x[i]!) / Math.abs(x[i]!)).sort((a, b) => a - b);
    const median = relative.length === 0 ? Number.NaN : relative[Math.floor((relative.length - 1) / 2)]!;
    console.log(
      `run 1 vs run ${run + 1}, ${metric}: Spearman ${spearman(x, y).toFixed(3)} over ${keys.length} configurations; median relative difference ${(median * 100).toFixed(1)}%`,
    );
    for (const [i, key] of keys.entries()) console.log(`    ${key}: ${x[i]!.toPrecision(4)} vs ${y[i]!.toPrecision(4)}`);
  }
}
console.log(`load average at end ${load()}`);
