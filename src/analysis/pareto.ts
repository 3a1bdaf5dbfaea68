/**
 * Per-environment Pareto fronts over the study's objectives, their hypervolume and knee, configurations within
 * measurement noise of the front, and which configurations are Pareto-optimal everywhere, somewhere, nowhere.
 *
 * Reference point (documented contract): per objective, the environment's worst measured mean plus 10% of the
 * measured range (so the extreme front members still add volume). normalizedHypervolume scales every
 * objective to [0, 1] between the environment's best measured value and that reference point.
 * Knee: the strict front member with the smallest sum of objectives normalized to [0, 1] over the front, i.e.
 * the member farthest below the hyperplane through the front's extremes.
 */
import { bootstrapInterval, mean } from './stats/bootstrap.js';
import { tHalfWidth } from './stats/t-interval.js';
import { analysisRng } from './stats/seeded.js';
import { dominates, hypervolume, paretoFrontIndices } from '../core/pareto.js';
import type { ConfigGroup, PreparedStudy } from './prepare.js';
import type { FrontMember, ParetoMembership, ParetoResult } from './types.js';

export const REFERENCE_MARGIN = 0.1;

export function paretoFronts(study: PreparedStudy, seed = 1): ParetoResult[] {
  return study.environments.map((environment) => paretoFront(study, study.groupsByEnvironment.get(environment.key)!, environment.key, seed));
}

function paretoFront(study: PreparedStudy, groups: readonly ConfigGroup[], environment: string, seed: number): ParetoResult {
  const rng = analysisRng(seed, `pareto:${environment}`);
  const metricIndexes = study.objectives.map((o) => study.metrics.indexOf(o.metric));
  const signs = study.objectives.map((o) => (o.direction === 'max' ? -1 : 1));
  // Everything below is minimization: maximized objectives are negated.
  const points = groups.map((g) => Float64Array.from(metricIndexes, (m, j) => signs[j]! * g.means[m]!));
  const k = metricIndexes.length;
  const ideal = Float64Array.from({ length: k }, (_, j) => Math.min(...points.map((p) => p[j]!)));
  const worst = Float64Array.from({ length: k }, (_, j) => Math.max(...points.map((p) => p[j]!)));
  const reference = Float64Array.from({ length: k }, (_, j) => {
    const range = worst[j]! - ideal[j]!;
    return worst[j]! + REFERENCE_MARGIN * (range > 0 ? range : Math.abs(worst[j]!) || 1);
  });
  const frontIndexes = paretoFrontIndices(points);
  const onFront = new Set(frontIndexes);
  const noise = groups.map((g) => Float64Array.from(metricIndexes, (m) => tHalfWidth(g.values[m]!)));
  const withinNoise: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    if (onFront.has(i) || groups[i]!.values[0]!.length < 2) continue;
    const significantlyDominated = frontIndexes.some((f) =>
      dominates(points[f]!, points[i]!) &&
      points[i]!.some((value, j) => value - points[f]![j]! > Math.hypot(noise[i]![j]!, noise[f]![j]!)),
    );
    if (!significantlyDominated) withinNoise.push(i);
  }
  const intervals = (group: ConfigGroup): FrontMember['intervals'] =>
    group.values[0]!.length < 2
      ? undefined
      : Object.fromEntries(study.objectives.map((o, j) => {
          const interval = bootstrapInterval(group.values[metricIndexes[j]!]!, mean, rng);
          return [o.metric, [interval.low, interval.high] as const];
        }));
  const member = (i: number, near: boolean): FrontMember => ({
    ...(groups[i]!.values[0]!.length >= 2 ? { intervals: intervals(groups[i]!) } : {}),
    trialId: groups[i]!.trialId,
    configKey: groups[i]!.configKey,
    configuration: groups[i]!.configuration,
    metrics: Object.fromEntries(study.metrics.map((metric, m) => [metric, groups[i]!.means[m]!])),
    withinNoise: near,
    repetitions: groups[i]!.values[0]!.length,
  });
  const sortedFront = frontIndexes.slice().sort((a, b) => points[a]![0]! - points[b]![0]!);
  const scale = Float64Array.from({ length: k }, (_, j) => reference[j]! - ideal[j]! || 1);
  const frontPoints = frontIndexes.map((i) => points[i]!);
  const normalized = frontPoints.map((p) => Float64Array.from(p, (v, j) => (v - ideal[j]!) / scale[j]!));
  return {
    environment,
    front: [...sortedFront.map((i) => member(i, false)), ...withinNoise.map((i) => member(i, true))],
    hypervolume: hypervolume(frontPoints, reference),
    normalizedHypervolume: hypervolume(normalized, new Float64Array(k).fill(1)),
    referencePoint: Array.from(reference, (v, j) => signs[j]! * v),
    idealPoint: Array.from(ideal, (v, j) => signs[j]! * v),
    configurations: groups.length,
    ...(sortedFront.length > 0 ? { knee: member(kneeIndex(sortedFront, points), false) } : {}),
  };
}

function kneeIndex(front: readonly number[], points: readonly Float64Array[]): number {
  const k = points[front[0]!]!.length;
  const low = Float64Array.from({ length: k }, (_, j) => Math.min(...front.map((i) => points[i]![j]!)));
  const high = Float64Array.from({ length: k }, (_, j) => Math.max(...front.map((i) => points[i]![j]!)));
  let best = front[0]!;
  let bestSum = Infinity;
  for (const i of front) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += high[j]! > low[j]! ? (points[i]![j]! - low[j]!) / (high[j]! - low[j]!) : 0;
    if (sum < bestSum) {
      bestSum = sum;
      best = i;
    }
  }
  return best;
}

/** Which configurations are on the strict front in every environment they were measured in, some, or none. */
export function paretoMembership(study: PreparedStudy, fronts: readonly ParetoResult[]): ParetoMembership {
  const frontKeys = new Map(fronts.map((f) => [f.environment, new Set(f.front.filter((m) => !m.withinNoise).map((m) => m.configKey))]));
  const byConfig = new Map<string, { configuration: ConfigGroup['configuration']; measured: string[]; optimal: string[] }>();
  for (const group of study.groups) {
    const entry = byConfig.get(group.configKey) ?? { configuration: group.configuration, measured: [], optimal: [] };
    entry.measured.push(group.environment);
    if (frontKeys.get(group.environment)?.has(group.configKey)) entry.optimal.push(group.environment);
    byConfig.set(group.configKey, entry);
  }
  const all = study.environments.length;
  const everywhere: ParetoMembership['everywhere'][number][] = [];
  const somewhere: ParetoMembership['somewhere'][number][] = [];
  let nowhere = 0;
  for (const [configKey, entry] of byConfig) {
    if (entry.optimal.length === 0) nowhere++;
    else if (entry.optimal.length === all) everywhere.push({ configKey, configuration: entry.configuration });
    else somewhere.push({ configKey, configuration: entry.configuration, environments: entry.optimal, measuredIn: entry.measured.length });
  }
  somewhere.sort((a, b) => b.environments.length - a.environments.length);
  return { environments: all, configurations: byConfig.size, everywhere, somewhere, nowhere };
}
