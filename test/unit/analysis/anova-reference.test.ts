/**
 * servelab's effect tests against statsmodels on a balanced and an unbalanced study. The reference values were
 * computed by fixtures/reference/make-anova-reference.py (ols + anova_lm(typ=2), multipletests Holm, least-squares
 * means by OLS t_test); this test only reads them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyzeTrials } from '../../../src/analysis/analyze.js';
import { readCsvTrialRows } from '../../../src/analysis/source/csv-rows.js';
import type { MetricEffects } from '../../../src/analysis/types.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../support/analysis/fixtures/${name}`, import.meta.url));

interface ReferenceTest {
  readonly F: number;
  readonly df: readonly [number, number];
  readonly p: number;
  readonly pAdjusted: number;
  readonly effect: number;
  readonly ci: readonly [number, number];
}
interface ReferenceMetric {
  readonly n: number;
  readonly residualDf: number;
  readonly residualMeanSquare: number;
  readonly main: Record<string, ReferenceTest & { fromLevel: string; toLevel: string; lsMeans: Record<string, number> }>;
  readonly interactions: Record<string, ReferenceTest>;
}
interface Reference {
  readonly studies: Record<string, { csv: string; pooled: boolean; metrics: Record<string, ReferenceMetric> }>;
}

const reference = JSON.parse(readFileSync(fixture('reference/anova-reference.json'), 'utf8')) as Reference;

/** Relative agreement to 1e-7 (absolute below 1e-12 for p-values that small). */
function near(actual: number, expected: number, what: string, relative = 1e-7, absolute = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= Math.max(absolute, relative * Math.abs(expected)), `${what}: servelab ${actual}, statsmodels ${expected}`);
}

function compareTest(actual: { fStatistic: number; df: readonly [number, number]; pValue: number; pAdjusted: number; effectSize: number; ci: readonly [number, number] }, expected: ReferenceTest, scale: number, what: string): void {
  near(actual.fStatistic, expected.F, `${what} F`);
  assert.deepEqual(actual.df, expected.df, `${what} degrees of freedom`);
  near(actual.pValue, expected.p, `${what} p`, 1e-6);
  near(actual.pAdjusted, expected.pAdjusted, `${what} Holm-adjusted p`, 1e-6);
  // Effects and intervals in the metric's unit: agreement to 1e-8 of the metric's scale.
  near(actual.effectSize, expected.effect, `${what} effect`, 0, 1e-8 * scale);
  near(actual.ci[0], expected.ci[0], `${what} CI low`, 0, 1e-8 * scale);
  near(actual.ci[1], expected.ci[1], `${what} CI high`, 0, 1e-8 * scale);
}

function compareMetric(actual: MetricEffects, expected: ReferenceMetric, what: string): void {
  assert.equal(actual.n, expected.n, `${what} rows`);
  assert.equal(actual.residualDf, expected.residualDf, `${what} residual df`);
  near(actual.residualMeanSquare, expected.residualMeanSquare, `${what} residual mean square`);
  assert.equal(actual.testType, 'type-II');
  assert.equal(actual.pAdjustMethod, 'holm');
  const scale = Math.abs(actual.grandMean);
  for (const [knob, ref] of Object.entries(expected.main)) {
    const effect = actual.main.find((e) => e.knob === knob);
    assert.ok(effect, `${what}: ${knob} missing`);
    assert.equal(effect.testedIn, 'full-model');
    assert.equal(effect.estimatedIn, 'full-model');
    assert.deepEqual([effect.fromLevel, effect.toLevel], [ref.fromLevel, ref.toLevel], `${what} ${knob} levels compared`);
    compareTest(effect, ref, scale, `${what} ${knob}`);
    for (const level of effect.levels) near(level.mean, ref.lsMeans[level.level]!, `${what} ${knob}=${level.level} least-squares mean`, 0, 1e-8 * scale);
    assert.equal(effect.levels.length, Object.keys(ref.lsMeans).length);
  }
  for (const [pair, ref] of Object.entries(expected.interactions)) {
    const effect = actual.interactions.find((e) => e.knobs.join('×') === pair);
    assert.ok(effect, `${what}: ${pair} missing`);
    compareTest(effect, ref, scale, `${what} ${pair}`);
  }
}

for (const [name, study] of Object.entries(reference.studies)) {
  test(`${name} study: Type II F, p, Holm-adjusted p, least-squares effects and intervals match statsmodels`, () => {
    const result = analyzeTrials(readCsvTrialRows(fixture(study.csv)), { skipPrediction: true });
    assert.equal(result.environments.length > 1, study.pooled);
    for (const [metric, expected] of Object.entries(study.metrics)) compareMetric(result.effects[metric]!, expected, `${name} ${metric}`);
  });
}

test('the unbalanced reference study is unbalanced: raw level means differ from the least-squares means', () => {
  const result = analyzeTrials(readCsvTrialRows(fixture('anova-unbalanced.csv')), { skipPrediction: true });
  const batch = result.effects.p99_ms!.main.find((e) => e.knob === 'batch')!;
  const counts = new Set(batch.levels.map((l) => l.n));
  assert.ok(counts.size > 1, 'levels measured unequally often');
  assert.ok(batch.levels.some((l) => Math.abs(l.mean - l.rawMean) > 0.1), 'least-squares means are not the raw means');
});
