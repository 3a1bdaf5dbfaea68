/**
 * Adaptive (sequential model-based) multi-objective sampling, in the manner of SMS-EGO (Ponweiser et al. 2008)
 * with random-forest surrogates (as in SMAC): after a Latin hypercube initial design, each ask fits one forest
 * per objective on the completed trials and picks the unseen configuration whose optimistic prediction
 * (mean - kappa * spread over trees) adds the most hypervolume to the current Pareto front; candidates that
 * would still be dominated are ranked by how far they are from the front. A batch ask (or trials still pending)
 * is handled with the "believer" rule: a chosen or running configuration joins the front at its predicted mean,
 * so the next pick goes elsewhere. Everything depends only on the history and the seed.
 */
import type { Rng } from '../../core/random.js';
import { configurationKey, spaceSize, type Configuration, type DesignSpace } from '../../core/space.js';
import { enumerateSpace } from '../design-space.js';
import { dominates, hypervolume, paretoFrontIndices } from '../../core/pareto.js';
import { bounds, minimizationVector, normalize, type Objective } from '../pareto.js';
import { createEncoder, type ConfigurationEncoder } from './encoding.js';
import { latinHypercubePlan } from './lhs.js';
import { randomConfigurations } from './random.js';
import { historyKeys, type Sampler, type TrialOutcome, samplerRng } from './sampler.js';
import { fitForest } from './surrogate.js';

export interface AdaptiveOptions {
  readonly budget: number;
  /** Size of the initial Latin hypercube design (default: a quarter of the budget, at least 4). */
  readonly initial?: number;
  readonly trees?: number;
  /** Optimism: how many tree-spreads below the mean a candidate is credited with. */
  readonly kappa?: number;
  /** Spaces up to this size are scored exhaustively; larger ones on a random + neighbourhood subset. */
  readonly maxCandidates?: number;
}

const MIN_COMPLETED_FOR_MODEL = 3;

/** A quarter of the budget, at least 4: small budgets gain more from model-guided picks than from a wider start. */
export function defaultInitialSize(budget: number): number {
  return Math.min(budget, Math.max(4, Math.round(budget / 4)));
}

export function createAdaptiveSampler(space: DesignSpace, seed: number, objectives: readonly Objective[], options: AdaptiveOptions): Sampler {
  const budget = Math.min(options.budget, spaceSize(space));
  const initialPlan = latinHypercubePlan(space, options.initial ?? defaultInitialSize(budget), seed, 'adaptive:initial');
  const encode = createEncoder(space);
  const settings = { trees: options.trees ?? 40, kappa: options.kappa ?? 1, maxCandidates: options.maxCandidates ?? 5000 };
  return {
    kind: 'adaptive',
    plannedCount: budget,
    ask(history, count = 1) {
      const seen = historyKeys(history);
      const wanted = Math.min(count, budget - history.length, spaceSize(space) - seen.size);
      const picks: Configuration[] = [];
      for (const configuration of initialPlan) {
        if (picks.length >= wanted) break;
        const key = configurationKey(configuration);
        if (!seen.has(key)) picks.push(configuration), seen.add(key);
      }
      if (picks.length >= wanted) return picks;
      const rng = samplerRng(seed, `adaptive:${history.length}`);
      const withPicks = [...history, ...picks.map((configuration) => ({ configuration, state: 'pending' as const }))];
      return [...picks, ...modelPicks(space, objectives, withPicks, seen, wanted - picks.length, encode, rng, settings)];
    },
  };
}

interface Observed {
  readonly configuration: Configuration;
  readonly vector: number[];
}

function modelPicks(
  space: DesignSpace,
  objectives: readonly Objective[],
  history: readonly TrialOutcome[],
  seen: Set<string>,
  count: number,
  encode: ConfigurationEncoder,
  rng: Rng,
  settings: { trees: number; kappa: number; maxCandidates: number },
): Configuration[] {
  const observed: Observed[] = history
    .flatMap((outcome) => {
      const vector = outcome.state === 'completed' && outcome.metrics ? minimizationVector(outcome.metrics, objectives) : undefined;
      return vector ? [{ configuration: outcome.configuration, vector }] : [];
    })
    .sort((a, b) => (configurationKey(a.configuration) < configurationKey(b.configuration) ? -1 : 1));
  const candidates = candidateSet(space, seen, observed, rng, settings.maxCandidates);
  if (observed.length < MIN_COMPLETED_FOR_MODEL) return rng.shuffle(candidates).slice(0, count);

  // Model in log space where an objective is positive (latency, energy): the front lives at the low end.
  const logScale = objectives.map((_, j) => observed.every((item) => item.vector[j]! > 0));
  const scaled = observed.map((item) => item.vector.map((value, j) => (logScale[j] ? Math.log(value) : value)));
  const range = bounds(scaled);
  const targets = scaled.map((point) => normalize(point, range));
  const features = observed.map((item) => encode(item.configuration));
  const forests = objectives.map((_, j) =>
    fitForest(features, targets.map((point) => point[j]!), { trees: settings.trees, seed: rng.int(2 ** 31) }),
  );
  const predict = (configurations: readonly Configuration[]) => {
    const rows = configurations.map(encode);
    const predictions = forests.map((forest) => forest.predict(rows));
    return configurations.map((_, c) => ({
      mean: predictions.map((prediction) => prediction.mean[c]!),
      std: predictions.map((prediction) => prediction.std[c]!),
    }));
  };

  const pending = history.filter((outcome) => outcome.state === 'pending').map((outcome) => outcome.configuration);
  let front = frontOf([...targets, ...predict(pending).map((prediction) => prediction.mean)]);
  const reference = objectives.map(() => 1.1);
  const scored = predict(candidates).map((prediction, c) => ({
    configuration: candidates[c]!,
    mean: prediction.mean,
    optimistic: prediction.mean.map((value, j) => value - settings.kappa * prediction.std[j]!),
    jitter: rng.next() * 1e-12,
  }));
  const picks: Configuration[] = [];
  while (picks.length < count && scored.length > 0) {
    const baseVolume = hypervolume(front, reference);
    let bestIndex = 0;
    let bestScore = -Infinity;
    scored.forEach((candidate, index) => {
      const score = acquisition(candidate.optimistic, front, reference, baseVolume) + candidate.jitter;
      if (score > bestScore) [bestIndex, bestScore] = [index, score];
    });
    const [chosen] = scored.splice(bestIndex, 1);
    picks.push(chosen!.configuration);
    front = frontOf([...front, chosen!.mean]);
  }
  return picks;
}

function frontOf(points: readonly number[][]): number[][] {
  return paretoFrontIndices(points).map((index) => points[index]!);
}

/** Hypervolume gain of the point; for a dominated point, minus the distance it would need to move to reach the front. */
function acquisition(point: readonly number[], front: readonly number[][], reference: readonly number[], baseVolume: number): number {
  let shortfall = -Infinity;
  for (const member of front) {
    if (dominates(member, point) || member.every((value, j) => value === point[j])) {
      shortfall = Math.max(shortfall, Math.min(...point.map((value, j) => value - member[j]!)));
    }
  }
  if (shortfall > -Infinity) return -shortfall - 1e-9;
  return hypervolume([...front, [...point]], reference) - baseVolume;
}

/** Every unseen configuration, or for a large space a random subset plus the one-knob neighbours of good ones. */
function candidateSet(space: DesignSpace, seen: ReadonlySet<string>, observed: readonly Observed[], rng: Rng, maxCandidates: number): Configuration[] {
  if (spaceSize(space) <= maxCandidates) {
    return [...enumerateSpace(space)].filter((configuration) => !seen.has(configurationKey(configuration)));
  }
  const pool = new Map<string, Configuration>();
  const add = (configuration: Configuration): void => {
    const key = configurationKey(configuration);
    if (!seen.has(key)) pool.set(key, configuration);
  };
  const front = paretoFrontIndices(observed.map((item) => item.vector)).map((index) => observed[index]!.configuration);
  for (const configuration of front) {
    for (const knob of space.knobs) for (const level of knob.levels) add({ ...configuration, [knob.name]: level });
  }
  for (const configuration of randomConfigurations(space, Math.floor(maxCandidates / 2), rng.int(2 ** 31), 'adaptive:candidates')) add(configuration);
  return [...pool.values()];
}
