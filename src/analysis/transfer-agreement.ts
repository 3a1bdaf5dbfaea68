/**
 * Agreement of what drives a metric in two environments (Jamshidi et al. M6–M13): influential knobs,
 * interactions, knob importance and sign flips. These compare the two environments' effect analyses, not their
 * common configurations.
 */
import { pearson } from './stats/correlation.js';
import type { MetricEffects } from './types.js';

export function jaccard(a: readonly string[], b: readonly string[]): number {
  const left = new Set(a);
  const right = new Set(b);
  const union = new Set([...left, ...right]);
  if (union.size === 0) return 1;
  let shared = 0;
  for (const item of left) if (right.has(item)) shared++;
  return shared / union.size;
}

export function significantKnobs(effects: MetricEffects | undefined): string[] {
  return effects ? effects.main.filter((e) => e.significant).map((e) => e.knob) : [];
}

export function significantInteractions(effects: MetricEffects | undefined): string[] {
  return effects ? effects.interactions.filter((e) => e.significant).map((e) => e.knobs.join('×')) : [];
}

export function importanceCorrelation(a: MetricEffects | undefined, b: MetricEffects | undefined): number {
  if (!a || !b || a.importance.length < 2) return Number.NaN;
  const lookup = new Map(b.importance.map((entry) => [entry.knob, entry.importance]));
  return pearson(
    a.importance.map((entry) => entry.importance),
    a.importance.map((entry) => lookup.get(entry.knob) ?? 0),
  );
}

export function signFlips(a: MetricEffects | undefined, b: MetricEffects | undefined): string[] {
  if (!a || !b) return [];
  const other = new Map(b.main.map((e) => [e.knob, e]));
  return a.main
    .filter((e) => e.kind !== 'categorical' && e.significant)
    .filter((e) => {
      const o = other.get(e.knob);
      return o !== undefined && o.significant && Math.sign(o.effectSize) !== Math.sign(e.effectSize);
    })
    .map((e) => e.knob);
}
