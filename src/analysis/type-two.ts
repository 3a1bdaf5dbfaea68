/**
 * Type II sums of squares by model comparison (as statsmodels' anova_lm(typ=2) and R's car::Anova): a term's
 * sum of squares is what it adds to the model made of every other term that does not contain it. For a main
 * effect that model keeps the other main effects, the interactions without the knob, the environment blocks
 * and the other knobs' environment × knob terms, and drops the knob's own interactions; for an interaction it
 * is the whole model without that interaction. Unlike the sequential (Type I) comparison this does not depend
 * on the order of the terms, and on unbalanced data it keeps the other terms' effects out of the tested one.
 */
import { fitSubset, type GramMatrix } from './stats/least-squares.js';
import type { DesignTerm } from './design.js';

export interface TermTest {
  /** Sum of squares the term adds, per response. */
  readonly sumOfSquares: Float64Array;
  /** Columns it adds that are not aliased with the rest (0: the term cannot be tested). */
  readonly df: number;
}

/** True when `outer` is a strictly higher-order term that contains `inner` (e.g. a×b contains a). */
export function contains(outer: DesignTerm, inner: DesignTerm): boolean {
  return outer.factors.length > inner.factors.length && inner.factors.every((factor) => outer.factors.includes(factor));
}

/** The Type II test of `model[tested]` within the model made of `intercept` and `model`. */
export function typeTwoTest(gram: GramMatrix, intercept: number, model: readonly DesignTerm[], tested: number): TermTest {
  const term = model[tested]!;
  const kept = model.filter((other, index) => index !== tested && !contains(other, term));
  const reducedColumns = [intercept, ...kept.flatMap((t) => t.columns)];
  const reduced = fitSubset(gram, reducedColumns);
  // The tested columns go last so that whatever they share with the rest is credited to the rest.
  const augmented = fitSubset(gram, [...reducedColumns, ...term.columns]);
  const sumOfSquares = reduced.rss.map((rss, r) => Math.max(0, rss - augmented.rss[r]!));
  return { sumOfSquares, df: augmented.rank - reduced.rank };
}
