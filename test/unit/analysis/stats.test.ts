import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../src/core/random.js';
import { fCdf, fSurvival, lnGamma, normalQuantile, regularizedIncompleteBeta, tQuantileTwoSided, tTwoSidedP } from '../../../src/analysis/stats/distributions.js';
import { bootstrapInterval, differenceInterval, mean, percentileInterval } from '../../../src/analysis/stats/bootstrap.js';
import { kendall, klDivergence, pearson, scaledDensity, spearman } from '../../../src/analysis/stats/correlation.js';
import { GramMatrix, fitSubset } from '../../../src/analysis/stats/least-squares.js';
import { LinearContrasts } from '../../../src/analysis/stats/contrast.js';
import { holmAdjust } from '../../../src/analysis/stats/multiplicity.js';

const close = (actual: number, expected: number, tolerance: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

test('special functions match tabulated values', () => {
  close(lnGamma(5), Math.log(24), 1e-12, 'lnGamma(5)');
  close(lnGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-12, 'lnGamma(0.5)');
  // I_x(a, 1) = x^a and I_x(1, b) = 1 - (1-x)^b.
  close(regularizedIncompleteBeta(0.3, 2.5, 1), 0.3 ** 2.5, 1e-12, 'I_x(a,1)');
  close(regularizedIncompleteBeta(0.3, 1, 4), 1 - 0.7 ** 4, 1e-12, 'I_x(1,b)');
  // Critical values from F and t tables: F(1,10) 4.965, F(3,20) 3.098, F(2,60) 3.150 at 5%; F(4,30) 4.018 at 1%.
  close(fSurvival(4.965, 1, 10), 0.05, 2e-4, 'F(1,10)');
  close(fSurvival(3.098, 3, 20), 0.05, 2e-4, 'F(3,20)');
  close(fSurvival(3.150, 2, 60), 0.05, 2e-4, 'F(2,60)');
  close(fSurvival(4.018, 4, 30), 0.01, 1e-4, 'F(4,30)');
  close(fCdf(3.098, 3, 20) + fSurvival(3.098, 3, 20), 1, 1e-12, 'cdf + survival');
  assert.ok(fSurvival(500, 2, 1000) < 1e-100, 'tiny p-values keep precision');
  close(tTwoSidedP(2.228, 10), 0.05, 2e-4, 't(10)');
  close(tQuantileTwoSided(0.95, 10), 2.228, 1e-3, 't quantile');
  close(normalQuantile(0.975), 1.959964, 1e-6, 'z 0.975');
  close(normalQuantile(0.001), -3.090232, 1e-5, 'z 0.001');
});

test('kendall tau-b (Knight) equals the O(n²) definition, ties included', () => {
  const rng = createRng(3, 'kendall');
  const x = Array.from({ length: 300 }, () => rng.int(20));
  const y = x.map((v) => v + rng.int(15));
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dx = Math.sign(x[i]! - x[j]!);
      const dy = Math.sign(y[i]! - y[j]!);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const naive = (concordant - discordant) / Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
  close(kendall(x, y), naive, 1e-12, 'tau-b');
  assert.equal(kendall([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  close(spearman([1, 2, 3, 4, 5], [1, 4, 9, 16, 25]), 1, 1e-12, 'spearman of a monotone map');
  close(pearson([1, 2, 3], [2, 4, 6]), 1, 1e-12, 'pearson');
});

test('KL divergence is ~0 for the same shape and large for different shapes', () => {
  const rng = createRng(5, 'kl');
  const normal = Array.from({ length: 2000 }, () => rng.normal());
  const shifted = normal.map((v) => 3 * v + 100);
  const skewed = Array.from({ length: 2000 }, () => rng.exponential(1) ** 3);
  assert.ok(klDivergence(scaledDensity(normal), scaledDensity(shifted)) < 1e-9, 'a linear change keeps the shape');
  assert.ok(klDivergence(scaledDensity(normal), scaledDensity(skewed)) > 1, 'different shapes diverge');
});

test('bootstrap intervals are seeded, cover the truth and separate real differences from noise', () => {
  const rng = createRng(11, 'data');
  const a = Array.from({ length: 200 }, () => 10 + rng.normal());
  const b = Array.from({ length: 200 }, () => 10.05 + rng.normal());
  const c = Array.from({ length: 200 }, () => 12 + rng.normal());
  const first = bootstrapInterval(a, mean, createRng(1, 'x'));
  assert.deepEqual(first, bootstrapInterval(a, mean, createRng(1, 'x')), 'same seed, same interval');
  assert.ok(first.low < 10 && first.high > 10, `mean interval ${first.low}..${first.high}`);
  const p90 = percentileInterval(a, 0.9, createRng(1, 'p'));
  assert.ok(p90.low < 11.2816 && p90.high > 11.2816, `p90 interval ${p90.low}..${p90.high} covers the true p90`);
  const noise = differenceInterval(b, a, createRng(1, 'd'));
  assert.ok(noise.low < 0 && noise.high > 0, 'a difference within the noise straddles zero');
  const real = differenceInterval(c, a, createRng(1, 'd'));
  assert.ok(real.low > 1.5 && real.high < 2.5, 'a real difference excludes zero');
});

test('least squares over sufficient statistics drops aliased columns', () => {
  const gram = new GramMatrix(4, 1);
  // Column 3 = column 1 + column 2: aliased, must be dropped, rank 3.
  const rows = [[1, 0, 0, 0], [1, 1, 0, 1], [1, 0, 1, 1], [1, 1, 1, 2]];
  const y = [1, 3, 4, 6];
  rows.forEach((x, i) => gram.add([0, 1, 2, 3], x, 1, [y[i]!], [y[i]! ** 2]));
  const fit = fitSubset(gram, [0, 1, 2, 3]);
  assert.equal(fit.rank, 3);
  close(fit.rss[0]!, 0, 1e-9, 'exact fit');
  const intercept = fitSubset(gram, [0]);
  close(intercept.rss[0]!, y.reduce((s, v) => s + (v - 3.5) ** 2, 0), 1e-9, 'intercept-only RSS is the total sum of squares');
});

test('Holm adjustment matches p.adjust(method = "holm") and leaves untestable terms out of the family', () => {
  // R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02
  const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);
  [0.03, 0.06, 0.06, 0.02].forEach((expected, i) => close(adjusted[i]!, expected, 1e-12, `holm ${i}`));
  const withNaN = holmAdjust([0.01, Number.NaN, 0.5]);
  assert.ok(Number.isNaN(withNaN[1]!));
  close(withNaN[0]!, 0.02, 1e-12, 'family of two');
  close(holmAdjust([0.6, 0.9])[1]!, 1, 1e-12, 'capped at 1');
});

test('contrasts: estimable ones are estimated with their variance factor, non-estimable ones are refused', () => {
  // Two-level factor a (column 1) and b (column 2) plus the a×b cell (column 3); the cell a=1, b=1 is never
  // measured, so column 3 is all zero and any contrast needing it is not estimable.
  const gram = new GramMatrix(4, 1);
  const cells: [number, number, number[]][] = [[0, 0, [10, 12]], [1, 0, [20, 22]], [0, 1, [5, 7]]];
  for (const [a, b, ys] of cells) for (const y of ys) gram.add([0, 1, 2, 3], [1, a, b, a * b], 1, [y], [y * y]);
  const fit = fitSubset(gram, [0, 1, 2, 3]);
  const contrasts = new LinearContrasts(gram, fit);
  const aEffect = contrasts.estimate([0, 1, 0, 0]);
  assert.ok(aEffect.estimable);
  close(aEffect.estimates[0]!, 10, 1e-9, 'a effect at b=0');
  // Var of a difference of two cell means of 2 rows each: 1/2 + 1/2.
  close(aEffect.varianceFactor, 1, 1e-9, 'variance factor');
  assert.equal(contrasts.estimate([0, 1, 0, 1]).estimable, false, 'the a effect at b=1 needs the empty cell');
  // Aliased (not empty) column: column 3 = column 1 + column 2 in a design without the a=1,b=1 cell duplicated.
  const aliased = new GramMatrix(4, 1);
  for (const [x, y] of [[[1, 0, 0, 0], 1], [[1, 1, 0, 1], 3], [[1, 0, 1, 1], 4], [[1, 1, 1, 2], 6]] as const) aliased.add([0, 1, 2, 3], x, 1, [y], [y * y]);
  const aliasedContrasts = new LinearContrasts(aliased, fitSubset(aliased, [0, 1, 2, 3]));
  assert.ok(aliasedContrasts.estimate([0, 1, 0, 1]).estimable, 'x1 + x3 is in the row space');
  assert.equal(aliasedContrasts.estimate([0, 0, 0, 1]).estimable, false, 'x3 alone is not');
});
