/**
 * Multiple-test adjustment. Holm's step-down procedure controls the family-wise error rate: with every null
 * hypothesis true, the chance that any adjusted p-value falls below alpha is at most alpha, whatever the
 * dependence between the tests; it is uniformly more powerful than Bonferroni.
 */

export type PAdjustMethod = 'holm';

/**
 * Holm-adjusted p-values, in the input's order (as statsmodels' multipletests(method='holm') and R's
 * p.adjust(method = 'holm')). NaN p-values (untestable terms) are not part of the family and stay NaN.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const order = pValues.map((p, index) => ({ p, index })).filter((entry) => !Number.isNaN(entry.p)).sort((a, b) => a.p - b.p);
  const family = order.length;
  const adjusted = pValues.map(() => Number.NaN);
  let running = 0;
  order.forEach((entry, rank) => {
    running = Math.max(running, Math.min(1, (family - rank) * entry.p));
    adjusted[entry.index] = running;
  });
  return adjusted;
}
