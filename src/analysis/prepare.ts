/**
 * Turns trial rows into what every analysis works on: valid measurements grouped by environment and
 * configuration, with repetitions kept side by side. Failed, invalid, incomplete and unstable rows are
 * excluded and counted, never silently dropped.
 */
import { ServelabError } from '../core/errors.js';
import { configurationKey, type Configuration, type KnobValue } from '../core/space.js';
import type { TrialRow } from '../core/trial.js';
import { resolveObjectives } from './objectives.js';
import type { Environment, Exclusions, Objective } from './types.js';

export interface KnobInfo {
  readonly name: string;
  readonly kind: 'numeric' | 'boolean' | 'categorical';
  /** Distinct levels, ascending for numeric knobs, false before true for boolean ones. */
  readonly levels: readonly KnobValue[];
}

/** One configuration measured in one environment, with all its repetitions. */
export interface ConfigGroup {
  readonly environment: string;
  readonly environmentIndex: number;
  readonly configKey: string;
  /** Index of configKey in PreparedStudy.configurationKeys (cheap identity for joins across environments). */
  readonly configIndex: number;
  readonly trialId: string;
  readonly configuration: Configuration;
  /** Level index per knob, in PreparedStudy.knobs order. */
  readonly levelIndex: readonly number[];
  /** Per metric (PreparedStudy.metrics order): the repetitions' values. */
  readonly values: readonly number[][];
  /** Per metric: the mean over repetitions. */
  readonly means: Float64Array;
}

export interface PreparedStudy {
  readonly objectives: readonly Objective[];
  readonly knobs: readonly KnobInfo[];
  readonly metrics: readonly string[];
  readonly environments: readonly Environment[];
  readonly groups: readonly ConfigGroup[];
  /** Every distinct configuration key, sorted; ConfigGroup.configIndex points here. */
  readonly configurationKeys: readonly string[];
  readonly groupsByEnvironment: ReadonlyMap<string, readonly ConfigGroup[]>;
  readonly excluded: Exclusions;
}

export interface PrepareOptions {
  readonly objectives?: readonly Objective[];
  /** Repetitions whose coefficient of variation on an objective exceeds this make a configuration unstable. */
  readonly maxCv?: number;
}

export const DEFAULT_MAX_CV = 0.5;

/** The level of a knob in trials that do not set it (conditional knobs); such a knob is analysed as categorical. */
export const UNSET_LEVEL = 'unset';

/**
 * An environment is one combination of context values; the co-served group ('alone' or 'with a+b') and the
 * machine join them when rows carry them, in that order.
 */
export function environmentKey(context: TrialRow['context']): string {
  const coServed = context.coServed === undefined ? '' : `|${context.coServed === context.model ? ALONE : `${WITH}${context.coServed}`}`;
  const key = `${context.model}|${context.workload}|${context.load}${coServed}`;
  return context.machine === undefined ? key : `${key}|${context.machine}`;
}

const ALONE = 'alone';
const WITH = 'with ';

/** The context values an environment key names (environmentKey's inverse). */
export function environmentParts(key: string): { model: string; workload: string; load: string; coServed?: string; machine?: string } {
  const [model = '-', workload = '-', load = '-', ...rest] = key.split('|');
  const served = rest[0] === ALONE || rest[0]?.startsWith(WITH) ? rest.shift()! : undefined;
  const coServed = served === undefined ? undefined : served === ALONE ? model : served.slice(WITH.length);
  const machine = rest[0];
  return { model, workload, load, ...(coServed === undefined ? {} : { coServed }), ...(machine === undefined ? {} : { machine }) };
}

export function prepareStudy(rows: readonly TrialRow[], options: PrepareOptions = {}): PreparedStudy {
  if (rows.length === 0) throw new ServelabError('no trials to analyze; expected at least one trial row');
  let failed = 0;
  let invalid = 0;
  let incomplete = 0;
  const measured: TrialRow[] = [];
  for (const row of rows) {
    if (row.state === 'failed') failed++;
    else if (row.state !== 'completed') incomplete++;
    else if (!row.valid) invalid++;
    else measured.push(row);
  }
  const allMetrics = [...new Set(measured.flatMap((row) => Object.keys(row.metrics)))].sort();
  const measuredMetrics = allMetrics.filter((metric) => measured.some((row) => Number.isFinite(row.metrics[metric])));
  if (measured.length === 0 || measuredMetrics.length === 0) {
    throw new ServelabError(
      `no valid completed trials with metrics to analyze (${rows.length} rows: ${failed} failed, ${invalid} invalid, ${incomplete} incomplete)`,
    );
  }
  for (const objective of options.objectives ?? []) {
    if (allMetrics.includes(objective.metric) && !measuredMetrics.includes(objective.metric)) {
      throw new ServelabError(
        `objective '${objective.metric}' has no numeric value in any of the ${measured.length} valid completed rows (the column is empty or NaN throughout); measured metrics: ${measuredMetrics.join(', ') || 'none'}`,
      );
    }
  }
  // Defaults are picked among metrics that were measured somewhere; a requested unknown metric is named as unknown.
  const objectives = resolveObjectives(options.objectives, options.objectives && options.objectives.length > 0 ? allMetrics : measuredMetrics);
  const complete = measured.filter((row) => objectives.every((o) => Number.isFinite(row.metrics[o.metric])));
  incomplete += measured.length - complete.length;
  if (complete.length === 0) throw new ServelabError(`no trial has every objective (${objectives.map((o) => o.metric).join(', ')}) measured`);
  // Metrics missing from some rows cannot share one design; they are left out of the analysis.
  const metrics = allMetrics.filter((metric) => complete.every((row) => Number.isFinite(row.metrics[metric])));
  const knobs = describeKnobs(complete);
  const levelLookup = knobs.map((knob) => new Map(knob.levels.map((level, index) => [String(level), index])));

  const byKey = new Map<string, { rows: TrialRow[]; environment: string; configKey: string }>();
  // Rows often share configuration objects (the CSV reader interns them): compute each key once.
  const keys = new WeakMap<Configuration, string>();
  for (const row of complete) {
    const environment = environmentKey(row.context);
    const configKey = keys.get(row.configuration) ?? configurationKey(row.configuration);
    keys.set(row.configuration, configKey);
    const key = `${environment}\u0000${configKey}`;
    const entry = byKey.get(key) ?? { rows: [], environment, configKey };
    entry.rows.push(row);
    byKey.set(key, entry);
  }
  const configurationKeys = [...new Set([...byKey.values()].map((entry) => entry.configKey))].sort();
  const configIndexOf = new Map(configurationKeys.map((key, index) => [key, index]));
  const environmentOrder = [...new Set([...byKey.values()].map((entry) => entry.environment))].sort();
  const environmentIndex = new Map(environmentOrder.map((key, index) => [key, index]));
  const maxCv = options.maxCv ?? DEFAULT_MAX_CV;
  const objectiveIndexes = objectives.map((o) => metrics.indexOf(o.metric));
  let unstable = 0;
  const groups: ConfigGroup[] = [];
  for (const { rows: groupRows, environment, configKey } of byKey.values()) {
    const values = metrics.map((metric) => groupRows.map((row) => row.metrics[metric]!));
    const means = Float64Array.from(values, (v) => v.reduce((s, x) => s + x, 0) / v.length);
    if (groupRows.length >= 2 && objectiveIndexes.some((m) => coefficientOfVariation(values[m]!, means[m]!) > maxCv)) {
      unstable += groupRows.length;
      continue;
    }
    const first = groupRows[0]!;
    groups.push({
      environment,
      environmentIndex: environmentIndex.get(environment)!,
      configKey,
      configIndex: configIndexOf.get(configKey)!,
      trialId: first.trialId,
      configuration: first.configuration,
      levelIndex: knobs.map((knob, k) => levelLookup[k]!.get(String(first.configuration[knob.name] ?? UNSET_LEVEL)) ?? 0),
      values,
      means,
    });
  }
  if (groups.length === 0) throw new ServelabError(`every configuration was unstable (repetitions vary by more than ${maxCv * 100}%); nothing to analyze`);
  groups.sort((a, b) => a.environmentIndex - b.environmentIndex || a.configIndex - b.configIndex);
  const groupsByEnvironment = new Map<string, ConfigGroup[]>();
  for (const group of groups) {
    const list = groupsByEnvironment.get(group.environment) ?? [];
    list.push(group);
    groupsByEnvironment.set(group.environment, list);
  }
  const environments: Environment[] = [...groupsByEnvironment.entries()].map(([key, list]) => {
    return { key, ...environmentParts(key), trials: list.length, configurations: list.length, rows: list.reduce((s, g) => s + g.values[0]!.length, 0) };
  });
  return {
    objectives,
    knobs,
    metrics,
    environments,
    groups,
    configurationKeys,
    groupsByEnvironment,
    excluded: { invalid, failed, unstable, incomplete, analyzedRows: complete.length - unstable, totalRows: rows.length, metricsLeftOut: allMetrics.filter((m) => !metrics.includes(m)) },
  };
}

function coefficientOfVariation(values: readonly number[], mean: number): number {
  if (values.length < 2 || mean === 0) return 0;
  const ss = values.reduce((s, x) => s + (x - mean) ** 2, 0);
  return Math.sqrt(ss / (values.length - 1)) / Math.abs(mean);
}

function describeKnobs(rows: readonly TrialRow[]): KnobInfo[] {
  const names = [...new Set(rows.flatMap((row) => Object.keys(row.configuration)))].sort();
  return names.map((name) => {
    const distinct = new Map<string, KnobValue>();
    for (const row of rows) {
      const value = row.configuration[name] ?? UNSET_LEVEL;
      distinct.set(String(value), value);
    }
    const levels = [...distinct.values()];
    if (levels.every((v) => typeof v === 'number')) return { name, kind: 'numeric' as const, levels: (levels as number[]).sort((a, b) => a - b) };
    if (levels.every((v) => typeof v === 'boolean')) return { name, kind: 'boolean' as const, levels: (levels as boolean[]).sort((a, b) => Number(a) - Number(b)) };
    return { name, kind: 'categorical' as const, levels: levels.map(String).sort() };
  });
}
