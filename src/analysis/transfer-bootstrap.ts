/**
 * The bootstrap of the whole selection behind a regret interval: in each resample every configuration's
 * repetitions are drawn again in both environments (residuals inflated by √(n/(n−1)) so that 2–3 repetitions do
 * not understate the spread), both bests are picked again, and a source best within noise of the target's best
 * (the tie rule of transfer-regret.ts) counts as regret 0.
 * A resampled mean lies between its mean plus the smallest and the largest inflated residual, so configurations
 * that cannot be best in any resample are left out exactly; with a thousand configurations per environment only
 * the few near the top are resampled. The tie test in a resample compares the source's pick with the target's
 * candidates for best.
 */
import type { Rng } from '../core/random.js';
import { bestIndex, meanOf, regretOf, type TargetNoise } from './transfer-selection.js';
import type { ConfidenceInterval } from './types.js';

interface Sample {
  readonly mean: number;
  /** Residuals scaled by √(n/(n−1)): their bootstrap variance then matches s²/n rather than (n−1)s²/n². */
  readonly residuals: Float64Array;
}

export function bootstrapSelection(
  sourceValues: readonly (readonly number[])[],
  targetValues: readonly (readonly number[])[],
  noise: TargetNoise,
  sign: 1 | -1,
  resamples: number,
  rng: Rng,
): { absoluteCi: ConfidenceInterval; percentCi: ConfidenceInterval } {
  const source = sourceValues.map(inflatedResiduals);
  const target = targetValues.map(inflatedResiduals);
  const sourceCandidates = canBeBest(source, sign);
  const targetCandidates = canBeBest(target, sign);
  // Target means are needed for every configuration the source may pick and every one that may be the target's best.
  const tracked = [...new Set([...sourceCandidates, ...targetCandidates])].sort((a, b) => a - b);
  const targetScale = new Map(tracked.map((c) => [c, inflatedResiduals(noise.log ? targetValues[c]!.map(Math.log) : targetValues[c]!)]));
  const sourceMeans = new Float64Array(sourceCandidates.length);
  const targetMeans = new Float64Array(targetValues.length);
  const scaleMeans = new Float64Array(targetValues.length);
  const candidateMeans = new Float64Array(targetCandidates.length);
  const absolutes = new Float64Array(resamples);
  const percents = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    sourceCandidates.forEach((c, i) => {
      sourceMeans[i] = resampledMean(source[c]!, rng);
    });
    for (const c of tracked) {
      // The same draws for the raw and the test scale, so the two stay one resample.
      const raw = target[c]!;
      const scale = targetScale.get(c)!;
      const n = raw.residuals.length;
      let sumRaw = 0;
      let sumScale = 0;
      for (let i = 0; i < n; i++) {
        const j = rng.int(n);
        sumRaw += raw.residuals[j]!;
        sumScale += scale.residuals[j]!;
      }
      targetMeans[c] = raw.mean + sumRaw / n;
      scaleMeans[c] = scale.mean + sumScale / n;
    }
    targetCandidates.forEach((c, i) => {
      candidateMeans[i] = targetMeans[c]!;
    });
    const s = sourceCandidates[bestIndex(sourceMeans, sign)]!;
    const t = targetCandidates[bestIndex(candidateMeans, sign)]!;
    const tie = s === t || !beyondNoise(scaleMeans, targetValues, s, targetCandidates, noise, sign);
    const regret = tie ? { absolute: 0, percent: 0 } : regretOf(targetMeans, s, t, sign);
    absolutes[r] = regret.absolute;
    percents[r] = regret.percent;
  }
  absolutes.sort();
  percents.sort();
  const at = (values: Float64Array, q: number): number => values[Math.min(values.length - 1, Math.floor(q * values.length))]!;
  return { absoluteCi: [at(absolutes, 0.025), at(absolutes, 0.975)], percentCi: [at(percents, 0.025), at(percents, 0.975)] };
}

/** Indexes (ascending) of the configurations whose resampled mean can be the best in some resample. */
function canBeBest(samples: readonly Sample[], sign: number): number[] {
  const bounds = samples.map((sample) => {
    let low = 0;
    let high = 0;
    for (const residual of sample.residuals) {
      low = Math.min(low, sign * residual);
      high = Math.max(high, sign * residual);
    }
    return { low: sign * sample.mean + low, high: sign * sample.mean + high };
  });
  const bestWorstCase = Math.min(...bounds.map((b) => b.high));
  return bounds.flatMap((b, index) => (b.low <= bestWorstCase ? [index] : []));
}

/** Is configuration s worse than one of the target's candidates for best beyond the critical value? */
function beyondNoise(scaleMeans: Float64Array, targetValues: readonly (readonly number[])[], s: number, candidates: readonly number[], noise: TargetNoise, sign: number): boolean {
  for (const d of candidates) {
    if (d === s) continue;
    const difference = sign * (scaleMeans[s]! - scaleMeans[d]!);
    if (difference > noise.critical * noise.pooledSd * Math.sqrt(1 / targetValues[s]!.length + 1 / targetValues[d]!.length)) return true;
  }
  return false;
}

function inflatedResiduals(values: readonly number[]): Sample {
  const mean = meanOf(values);
  const n = values.length;
  const inflation = n >= 2 ? Math.sqrt(n / (n - 1)) : 0;
  return { mean, residuals: Float64Array.from(values, (v) => inflation * (v - mean)) };
}

function resampledMean(sample: Sample, rng: Rng): number {
  const n = sample.residuals.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sample.residuals[rng.int(n)]!;
  return sample.mean + sum / n;
}
