/**
 * The bootstrap of the whole selection behind a regret interval: in each resample every configuration's
 * repetitions are drawn again in both environments (residuals inflated by √(n/(n−1)) so that 2–3 repetitions do
 * not understate the spread), both bests are picked again, and a source best within noise of the target's best
 * (the tie rule of transfer-regret.ts) counts as regret 0.
 * - A resampled mean lies between its mean plus the smallest and the largest inflated residual, so configurations
 *   that cannot be best in any resample are left out exactly; the tie test in a resample compares the source's
 *   pick with the target's candidates for best.
 * - Resampled means are drawn once per environment, configuration and metric and shared by every pair
 *   (transfer-resamples.ts): 612 pairs of 1,536 configurations need no more draws than the configurations near
 *   each environment's top.
 */
import type { EnvironmentResamples } from './transfer-resamples.js';
import type { TargetNoise } from './transfer-selection.js';
import type { ConfidenceInterval } from './types.js';

export interface SelectionInputs {
  /** Configuration indexes measured in both environments, ascending. */
  readonly common: readonly number[];
  readonly source: EnvironmentResamples;
  readonly target: EnvironmentResamples;
  readonly noise: TargetNoise;
  readonly sign: 1 | -1;
}

export function bootstrapSelection(inputs: SelectionInputs, resamples: number): { absoluteCi: ConfidenceInterval; percentCi: ConfidenceInterval } {
  const { common, source, target, noise, sign } = inputs;
  const sourceCandidates = canBeBest(common, source, sign);
  const targetCandidates = canBeBest(common, target, sign);
  const sourceDraws = sourceCandidates.map((c) => source.means(c).raw);
  // For each source candidate its draws in the target; for each target candidate its draws there.
  const transferredDraws = sourceCandidates.map((c) => target.means(c));
  const candidateDraws = targetCandidates.map((c) => target.means(c));
  const absolutes = new Float64Array(resamples);
  const percents = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 1; i < sourceDraws.length; i++) if (sign * sourceDraws[i]![r]! < sign * sourceDraws[s]![r]!) s = i;
    let t = 0;
    for (let i = 1; i < candidateDraws.length; i++) if (sign * candidateDraws[i]!.raw[r]! < sign * candidateDraws[t]!.raw[r]!) t = i;
    const sourcePick = sourceCandidates[s]!;
    if (sourcePick === targetCandidates[t]) continue; // the same configuration: regret 0
    const transferred = transferredDraws[s]!;
    const transferredScale = noise.log ? transferred.log[r]! : transferred.raw[r]!;
    let beyondNoise = false;
    for (let d = 0; d < candidateDraws.length && !beyondNoise; d++) {
      const other = targetCandidates[d]!;
      if (other === sourcePick) continue;
      const scale = noise.log ? candidateDraws[d]!.log[r]! : candidateDraws[d]!.raw[r]!;
      const threshold = noise.critical * noise.pooledSd * Math.sqrt(1 / target.counts[sourcePick]! + 1 / target.counts[other]!);
      beyondNoise = sign * (transferredScale - scale) > threshold;
    }
    if (!beyondNoise) continue; // a tie within noise: regret 0
    const optimal = candidateDraws[t]!.raw[r]!;
    absolutes[r] = sign * (transferred.raw[r]! - optimal);
    percents[r] = (100 * absolutes[r]!) / Math.abs(optimal);
  }
  absolutes.sort();
  percents.sort();
  const at = (values: Float64Array, q: number): number => values[Math.min(values.length - 1, Math.floor(q * values.length))]!;
  return { absoluteCi: [at(absolutes, 0.025), at(absolutes, 0.975)], percentCi: [at(percents, 0.025), at(percents, 0.975)] };
}

/** The configurations (ascending) whose resampled mean can be the best of `common` in some resample. */
function canBeBest(common: readonly number[], environment: EnvironmentResamples, sign: number): number[] {
  const lowOf = (c: number): number => (sign > 0 ? environment.rangeLow[c]! : -environment.rangeHigh[c]!);
  let bestWorstCase = Number.POSITIVE_INFINITY;
  for (const c of common) bestWorstCase = Math.min(bestWorstCase, sign > 0 ? environment.rangeHigh[c]! : -environment.rangeLow[c]!);
  const out: number[] = [];
  for (const c of common) if (lowOf(c) <= bestWorstCase) out.push(c);
  return out;
}
