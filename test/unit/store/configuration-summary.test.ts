/** Each configuration's mean carries its 95% interval in the export; checked against scipy.stats.t. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrialRow } from '../../../src/core/trial.js';
import { summarizeConfigurations } from '../../../src/store/configuration-summary.js';
import { summaryTable, toCsv } from '../../../src/store/export.js';

const context = { model: 'm', workload: 'w', load: 'poisson@100rps' };
const row = (id: string, instances: number, p99: number, extra: Partial<TrialRow> = {}): TrialRow => ({
  trialId: id,
  configuration: { instances },
  context,
  repetition: 0,
  state: 'completed',
  valid: true,
  metrics: { p99_ms: p99 },
  ...extra,
});

test('the mean with a Student t interval over valid repetitions; unknown (null) without repetitions', () => {
  const rows = [
    row('a', 1, 10),
    row('b', 1, 12),
    row('c', 1, 14),
    row('d', 2, 20),
    row('e', 2, 99, { valid: false }),
    row('f', 2, 99, { state: 'failed' }),
  ];
  const summaries = summarizeConfigurations(rows);
  const one = summaries.find((summary) => summary.configuration.instances === 1)!;
  // scipy: m=12, s=2, n=3 -> t.ppf(0.975, 2) * 2/sqrt(3) = 4.303 * 1.1547 = 4.9683
  assert.equal(one.metrics.p99_ms!.mean, 12);
  assert.equal(one.metrics.p99_ms!.n, 3);
  assert.ok(Math.abs(one.metrics.p99_ms!.ciLow! - (12 - 4.968275)) < 1e-4);
  assert.ok(Math.abs(one.metrics.p99_ms!.ciHigh! - (12 + 4.968275)) < 1e-4);
  const two = summaries.find((summary) => summary.configuration.instances === 2)!;
  assert.deepEqual(two.metrics.p99_ms, { mean: 20, n: 1, ciLow: null, ciHigh: null }, 'invalid and failed rows are left out');
});

test('the summary CSV has mean, n and interval columns per metric', () => {
  const csv = toCsv(summaryTable(summarizeConfigurations([row('a', 1, 10), row('b', 1, 14)])));
  const [header, line] = csv.trim().split('\n');
  assert.equal(header, 'knob.instances,ctx.model,ctx.workload,ctx.load,metric.p99_ms.mean,metric.p99_ms.n,metric.p99_ms.ci_low,metric.p99_ms.ci_high');
  const cells = line!.split(',');
  assert.equal(cells[4], '12');
  // scipy: t.ppf(0.975, 1) * sqrt(8) / sqrt(2) = 25.412409
  assert.ok(Math.abs(Number(cells[6]) - (12 - 25.412409)) < 1e-4);
  assert.ok(Math.abs(Number(cells[7]) - (12 + 25.412409)) < 1e-4);
});
