/**
 * Co-located models: what sharing a server costs each model, and which consolidated deployments are worth it.
 *
 * Interference: a model's p99 served with others against its p99 alone, at the same rate (each model is offered
 * its level of its own solo capacity in every group), the same configuration and the same repetition round.
 * Each matched (configuration, repetition) pair gives log(p99 co-served / p99 alone); the estimate is the
 * geometric mean ratio with a Student t interval over the pairs (a paired design: one configuration's
 * difference from another cancels). A ratio of 1.3 is a p99 30% higher when co-served.
 *
 * Consolidated deployments: for each group and load, every configuration's worst model (the highest p99 of its
 * members) against the energy per inference of the whole mix, and the Pareto front of those two.
 */
import { paretoFrontIndices } from '../core/pareto.js';
import { configurationKey, type Configuration } from '../core/space.js';
import type { TrialRow } from '../core/trial.js';
import { meanTInterval } from './stats/t-interval.js';

export interface InterferenceEstimate {
  readonly model: string;
  readonly workload: string;
  readonly load: string;
  /** The group the model was served with (it included). */
  readonly coServed: string;
  /** Matched (configuration, repetition) pairs, and the configurations among them. */
  readonly pairs: number;
  readonly configurations: number;
  /** Geometric means of the p99 over the pairs, ms. */
  readonly aloneP99Ms: number;
  readonly coServedP99Ms: number;
  /** Geometric mean of p99 co-served / p99 alone. */
  readonly ratio: number;
  /** Its confidence interval; null with fewer than two pairs. */
  readonly ratioInterval: readonly [number, number] | null;
  /** The interval lies above 1 (co-serving made the p99 worse) or below it. */
  readonly significant: boolean;
}

export interface ConsolidatedDeployment {
  readonly coServed: string;
  readonly models: number;
  readonly load: string;
  readonly configKey: string;
  readonly configuration: Configuration;
  readonly worstModel: string;
  /** Mean over repetitions of the highest member p99, ms. */
  readonly worstP99Ms: number;
  /** Mean over repetitions of the mix's energy per inference (all its models), J. */
  readonly mixEnergyJPerInf: number;
  readonly onFront: boolean;
}

export interface ColocationAnalysis {
  readonly metric: 'p99_ms';
  readonly confidenceLevel: number;
  readonly interference: readonly InterferenceEstimate[];
  readonly consolidated: readonly ConsolidatedDeployment[];
  readonly notes: readonly string[];
}

/** The analysis of co-served rows; undefined when no row was co-served. */
export function colocationAnalysis(rows: readonly TrialRow[], confidenceLevel = 0.95): ColocationAnalysis | undefined {
  const measured = rows.filter((row) => row.state === 'completed' && row.valid && row.context.coServed !== undefined && Number.isFinite(row.metrics.p99_ms));
  if (!rows.some((row) => row.context.coServed !== undefined)) return undefined;
  const notes: string[] = [];
  const interference = interferenceEstimates(measured, confidenceLevel);
  const withOthers = new Set(measured.filter((row) => row.context.coServed !== row.context.model).map((row) => `${row.context.model}\u0000${row.context.coServed}`));
  const estimated = new Set(interference.map((estimate) => `${estimate.model}\u0000${estimate.coServed}`));
  for (const key of withOthers) {
    if (!estimated.has(key)) {
      const [model, coServed] = key.split('\u0000');
      notes.push(`${model} served with ${coServed}: no valid run of ${model} alone in the same configuration and repetition, so no interference estimate`);
    }
  }
  if (interference.some((estimate) => estimate.pairs < 2)) notes.push('estimates from a single pair have no interval: add repetitions or configurations');
  return { metric: 'p99_ms', confidenceLevel, interference, consolidated: consolidatedDeployments(measured), notes };
}

function interferenceEstimates(rows: readonly TrialRow[], level: number): InterferenceEstimate[] {
  const alone = new Map<string, number>();
  const pairKey = (row: TrialRow): string => [row.context.model, row.context.workload, row.context.load, configurationKey(row.configuration), row.repetition].join('\u0000');
  for (const row of rows) if (row.context.coServed === row.context.model) alone.set(pairKey(row), row.metrics.p99_ms!);
  const byGroup = new Map<string, { row: TrialRow; aloneMs: number; coMs: number }[]>();
  for (const row of rows) {
    if (row.context.coServed === row.context.model) continue;
    const aloneMs = alone.get(pairKey(row));
    const coMs = row.metrics.p99_ms!;
    if (aloneMs === undefined || !(aloneMs > 0) || !(coMs > 0)) continue;
    const key = [row.context.model, row.context.workload, row.context.load, row.context.coServed].join('\u0000');
    byGroup.set(key, [...(byGroup.get(key) ?? []), { row, aloneMs, coMs }]);
  }
  const estimates: InterferenceEstimate[] = [];
  for (const pairs of byGroup.values()) {
    const { context } = pairs[0]!.row;
    const logRatios = pairs.map((pair) => Math.log(pair.coMs / pair.aloneMs));
    const interval = meanTInterval(logRatios, level);
    const meanLog = logRatios.reduce((sum, value) => sum + value, 0) / logRatios.length;
    const ratioInterval = interval ? ([Math.exp(interval[0]), Math.exp(interval[1])] as const) : null;
    estimates.push({
      model: context.model,
      workload: context.workload,
      load: context.load,
      coServed: context.coServed!,
      pairs: pairs.length,
      configurations: new Set(pairs.map((pair) => configurationKey(pair.row.configuration))).size,
      aloneP99Ms: geometricMean(pairs.map((pair) => pair.aloneMs)),
      coServedP99Ms: geometricMean(pairs.map((pair) => pair.coMs)),
      ratio: Math.exp(meanLog),
      ratioInterval,
      significant: ratioInterval !== null && (ratioInterval[0] > 1 || ratioInterval[1] < 1),
    });
  }
  return estimates.sort((a, b) => a.model.localeCompare(b.model) || a.load.localeCompare(b.load) || a.coServed.length - b.coServed.length || a.coServed.localeCompare(b.coServed));
}

function consolidatedDeployments(rows: readonly TrialRow[]): ConsolidatedDeployment[] {
  // One mixed run: a group, load, configuration and repetition; complete when every model of the group has a valid row.
  const runs = new Map<string, TrialRow[]>();
  for (const row of rows) {
    const key = [row.context.coServed, row.context.load, configurationKey(row.configuration), row.repetition].join('\u0000');
    runs.set(key, [...(runs.get(key) ?? []), row]);
  }
  const byDeployment = new Map<string, { worst: { model: string; p99Ms: number }[]; energy: number[]; row: TrialRow; models: number }>();
  for (const members of runs.values()) {
    const first = members[0]!;
    const models = new Set(members.map((row) => row.context.model));
    const expected = memberCount(members);
    const energy = first.metrics.mix_energy_j_per_inf ?? (expected === 1 ? first.metrics.energy_j_per_inf : undefined);
    if (models.size < expected || energy === undefined || !Number.isFinite(energy)) continue;
    const worst = members.reduce((a, b) => (b.metrics.p99_ms! > a.metrics.p99_ms! ? b : a));
    const key = [first.context.coServed, first.context.load, configurationKey(first.configuration)].join('\u0000');
    const entry = byDeployment.get(key) ?? { worst: [], energy: [], row: first, models: expected };
    entry.worst.push({ model: worst.context.model, p99Ms: worst.metrics.p99_ms! });
    entry.energy.push(energy);
    byDeployment.set(key, entry);
  }
  const deployments = [...byDeployment.values()].map((entry) => {
    const worstModel = mostFrequent(entry.worst.map((item) => item.model));
    return {
      coServed: entry.row.context.coServed!,
      models: entry.models,
      load: entry.row.context.load,
      configKey: configurationKey(entry.row.configuration),
      configuration: entry.row.configuration,
      worstModel,
      worstP99Ms: mean(entry.worst.map((item) => item.p99Ms)),
      mixEnergyJPerInf: mean(entry.energy),
      onFront: false,
    };
  });
  const fronts = new Map<string, number[]>();
  deployments.forEach((deployment, index) => {
    const key = `${deployment.coServed}\u0000${deployment.load}`;
    fronts.set(key, [...(fronts.get(key) ?? []), index]);
  });
  const onFront = new Set<number>();
  for (const indices of fronts.values()) {
    const front = paretoFrontIndices(indices.map((index) => [deployments[index]!.worstP99Ms, deployments[index]!.mixEnergyJPerInf]));
    for (const position of front) onFront.add(indices[position]!);
  }
  return deployments
    .map((deployment, index) => ({ ...deployment, onFront: onFront.has(index) }))
    .sort((a, b) => a.models - b.models || a.coServed.localeCompare(b.coServed) || a.load.localeCompare(b.load) || a.worstP99Ms - b.worstP99Ms);
}

/** Models a group serves: its name lists them joined by '+'. */
function memberCount(members: readonly TrialRow[]): number {
  return members[0]!.context.coServed!.split('+').length;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function geometricMean(values: readonly number[]): number {
  return Math.exp(mean(values.map((value) => Math.log(value))));
}

function mostFrequent(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
}
