import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyzeTrials } from '../../../src/analysis/analyze.js';
import { readCsvTrialRows } from '../../../src/analysis/source/csv-rows.js';
import { summaryText } from '../../../src/analysis/summary-text.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../support/analysis/fixtures/${name}`, import.meta.url));

/** Rounds every number to 6 significant digits so that last-bit differences in Math functions do not matter. */
function rounded(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(6)) : v)));
}

test('golden: the analysis of a small stored study is unchanged (UPDATE_GOLDEN=1 rewrites it)', () => {
  const result = analyzeTrials(readCsvTrialRows(fixture('small-study.csv')));
  const actual = rounded(result);
  const goldenPath = fixture('small-study.golden.json');
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(goldenPath, `${JSON.stringify(actual, null, 1)}\n`);
  assert.deepEqual(actual, JSON.parse(readFileSync(goldenPath, 'utf8')));
  const textPath = fixture('small-study.golden.txt');
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(textPath, summaryText(result));
  assert.equal(summaryText(result), readFileSync(textPath, 'utf8'));
});

test('the small study: what its data was built to show', () => {
  const result = analyzeTrials(readCsvTrialRows(fixture('small-study.csv')), { skipPrediction: true });
  assert.deepEqual({ failed: result.excluded.failed, invalid: result.excluded.invalid, analyzed: result.excluded.analyzedRows }, { failed: 1, invalid: 1, analyzed: 94 });
  assert.equal(result.environments.length, 4);
  // Batching lowers p99 under heavy load for resnet50 and raises it under light load: a sign flip.
  const heavy = result.effectsByEnvironment['resnet50|imagenet-val|heavy']!.p99_ms!.main.find((e) => e.knob === 'batching.maxBatchSize')!;
  const light = result.effectsByEnvironment['resnet50|imagenet-val|light']!.p99_ms!.main.find((e) => e.knob === 'batching.maxBatchSize')!;
  assert.ok(heavy.significant && heavy.effectSize < 0 && light.significant && light.effectSize > 0);
  assert.ok(result.findings.some((f) => f.kind === 'sign-flip' && f.text.includes('batching.maxBatchSize')));
  const lightToHeavy = result.transfer.find((t) => t.metric === 'p99_ms' && t.source === 'resnet50|imagenet-val|light' && t.target === 'resnet50|imagenet-val|heavy')!;
  assert.ok(lightToHeavy.regret.percent > 100 && lightToHeavy.pearson < 0);
  for (const key of ['pareto', 'effects', 'transfer', 'prediction', 'findings']) assert.ok(key in result);
});
