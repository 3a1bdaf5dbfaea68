/**
 * Replays a sampler against recorded (or computed) results: ask, look the configuration up, tell by appending
 * to the history. Used to compare samplers on a finished full-factorial study without measuring again.
 */
import type { Configuration } from '../core/space.js';
import { hypervolume, paretoFrontIndices } from '../core/pareto.js';
import { minimizationVector, normalize, bounds, type Objective } from './pareto.js';
import type { Sampler, TrialOutcome } from './samplers/sampler.js';

/** Metrics of a configuration, or undefined when it failed. */
export type Oracle = (configuration: Configuration) => Readonly<Record<string, number>> | undefined;

export function replaySampler(sampler: Sampler, oracle: Oracle, options: { batchSize?: number; maxTrials?: number } = {}): TrialOutcome[] {
  const history: TrialOutcome[] = [];
  const limit = options.maxTrials ?? sampler.plannedCount;
  while (history.length < limit) {
    const asked = sampler.ask(history, Math.min(options.batchSize ?? 1, limit - history.length));
    if (asked.length === 0) break;
    for (const configuration of asked) {
      const metrics = oracle(configuration);
      history.push(metrics === undefined ? { configuration, state: 'failed' } : { configuration, state: 'completed', metrics });
    }
  }
  return history;
}

/**
 * Hypervolume of the outcomes' front as a fraction of the front of all results. Objectives are scaled so the
 * full front spans [0, 1] (ideal to nadir) and the reference point sits at 1.1: the volume measures how well the
 * front itself is approximated. (Scaling over all results instead would let one overloaded configuration with a
 * huge p99 stretch the axis until any non-overloaded point scores nearly 100%.)
 */
export function hypervolumeFraction(
  outcomes: readonly TrialOutcome[],
  all: readonly Readonly<Record<string, number>>[],
  objectives: readonly Objective[],
): number {
  const vectors = all.map((metrics) => minimizationVector(metrics, objectives)).filter((point): point is number[] => point !== undefined);
  if (vectors.length === 0) return 0;
  const front = bounds(paretoFrontIndices(vectors).map((index) => vectors[index]!));
  const everything = bounds(vectors);
  // Where the front is a single value in an objective, scale by that objective's spread over all results.
  const range = {
    min: front.min,
    max: front.max.map((max, i) => (max > front.min[i]! ? max : front.min[i]! + (everything.max[i]! - everything.min[i]! || 1))),
  };
  const reference = objectives.map(() => 1.1);
  const scale = (points: number[][]) => paretoFrontIndices(points).map((index) => normalize(points[index]!, range));
  const full = hypervolume(scale(vectors), reference);
  const found = outcomes
    .flatMap((outcome) => (outcome.state === 'completed' && outcome.metrics ? [minimizationVector(outcome.metrics, objectives)] : []))
    .filter((point): point is number[] => point !== undefined);
  return full > 0 ? hypervolume(scale(found), reference) / full : 0;
}

