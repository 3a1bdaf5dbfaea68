/**
 * Why a finding holds: the latency decomposition (core/latency-components.ts) and the measured load compared
 * between the levels, environments or configurations the finding names.
 *
 * A comparison pairs configurations that differ only in the knob compared, in the same environment, and takes
 * the mean and t interval of their paired differences; without such pairs it compares the two sets of
 * configurations with a Welch interval. A part of the latency "accounts" for the change when its interval
 * excludes zero, it moves the same way, and it is at least a quarter of the change; parts that move against
 * it beyond noise by at least a tenth of it are named as offsets. Across two comparisons (a sign flip, an
 * interaction) the parts whose changes differ beyond noise explain the difference, and the models' properties are
 * set side by side.
 *
 * Explanations are only made for findings: they describe what the statistics already found, never add to it.
 */
import { componentMetric, bandOfLatencyMetric, hasDecomposition, LATENCY_COMPONENTS, type LatencyBand } from '../core/latency-components.js';
import { formatNumber, metricUnit } from '../core/format.js';
import { metricInfo } from '../core/metric.js';
import type { ModelCard } from '../core/model-card.js';
import type { ConfigGroup, PreparedStudy } from './prepare.js';
import type { Change, Explanation, ExplanationComparison, FindingSubject, ModelProperties, PropertyComparison } from './types.js';
import { meanTInterval, welchDifferenceInterval } from './stats/t-interval.js';

/** A part's share of the change must reach this to be said to account for it. */
export const ACCOUNTS_SHARE = 0.25;
/** A part moving against the change must reach this share of it to be named as an offset: tiny moves are noise's 5%. */
export const OFFSET_SHARE = 0.1;

/** Model properties from model cards, by model name. */
export function modelPropertiesOf(cards: readonly ModelCard[]): Record<string, ModelProperties> {
  return Object.fromEntries(
    cards.map((card) => [
      card.name,
      {
        ...(card.flops > 0 ? { gflopsPerSample: card.flops / 1e9 } : {}),
        ...(card.params > 0 ? { parameters: card.params } : {}),
        inputValues: Object.values(card.defaultInputShapes).reduce((sum, shape) => sum + shape.reduce((n, d) => n * Math.max(1, d), 1), 0),
      },
    ]),
  );
}

const LOAD_METRICS = ['cpu_util', 'mean_batch_size', 'cache_hit_rate', 'achieved_rps'] as const;
const PROPERTY_LABELS: Record<keyof ModelProperties, string> = { gflopsPerSample: 'GFLOPs per sample', parameters: 'parameters', inputValues: 'input values per sample' };

export function explainFinding(subject: FindingSubject, study: PreparedStudy, models: Readonly<Record<string, ModelProperties>> = {}): Explanation | undefined {
  const band = bandOfLatencyMetric(subject.metric);
  const decomposed = band !== undefined && hasDecomposition((metric) => study.metrics.includes(metric), band);
  const compare = (where: string, change: string, from: readonly ConfigGroup[], to: readonly ConfigGroup[], pairs: readonly (readonly [ConfigGroup, ConfigGroup])[]) =>
    comparison(study, subject.metric, decomposed ? band : undefined, where, change, from, to, pairs);
  let comparisons: ExplanationComparison[];
  switch (subject.kind) {
    case 'knob-change': {
      // An effect pooled over environments is explained in each of them: their latencies can differ by orders of
      // magnitude, and the parts that move in one need not move in another.
      const environments = subject.environments ?? [...study.groupsByEnvironment.keys()];
      comparisons =
        environments.length > 1
          ? environments.flatMap((key) => {
              const one = knobComparison(study, study.groupsByEnvironment.get(key) ?? [], subject.knob, subject.from, subject.to, key, compare);
              return one ? [one] : [];
            })
          : [];
      if (comparisons.length === 0) {
        const groups = subject.environments ? subject.environments.flatMap((key) => study.groupsByEnvironment.get(key) ?? []) : study.groups;
        const one = knobComparison(study, groups, subject.knob, subject.from, subject.to, subject.environments?.join(', ') ?? 'all environments', compare);
        comparisons = one ? [one] : [];
      }
      break;
    }
    case 'knob-change-across':
      comparisons = subject.environments.flatMap((key) => {
        const one = knobComparison(study, study.groupsByEnvironment.get(key) ?? [], subject.knob, subject.from, subject.to, key, compare);
        return one ? [one] : [];
      });
      if (comparisons.length < 2) comparisons = [];
      break;
    case 'interaction': {
      const knob = study.knobs.find((k) => k.name === subject.knob);
      const by = study.knobs.findIndex((k) => k.name === subject.by);
      if (!knob || by < 0) return undefined;
      const byLevels = study.knobs[by]!.levels;
      const ends = [0, byLevels.length - 1];
      comparisons = ends.flatMap((levelIndex) => {
        const groups = study.groups.filter((group) => group.levelIndex[by] === levelIndex);
        const one = knobComparison(study, groups, subject.knob, String(knob.levels[0]), String(knob.levels[knob.levels.length - 1]), `${subject.by}=${String(byLevels[levelIndex])}`, compare);
        return one ? [one] : [];
      });
      if (comparisons.length < 2) comparisons = [];
      break;
    }
    case 'configurations': {
      const groups = study.groupsByEnvironment.get(subject.environment) ?? [];
      const from = groups.find((group) => group.configKey === subject.from);
      const to = groups.find((group) => group.configKey === subject.to);
      comparisons = from && to ? [repetitionComparison(study, subject.metric, decomposed ? band : undefined, subject.environment, from, to)] : [];
      break;
    }
  }
  if (comparisons.length === 0) return undefined;
  const across = comparisons.length === 2 ? acrossComparisons(comparisons[0]!, comparisons[1]!) : undefined;
  const comparedEnvironments =
    subject.kind === 'knob-change-across'
      ? subject.environments
      : subject.kind === 'knob-change' && across && comparisons.every((one) => study.groupsByEnvironment.has(one.where))
        ? ([comparisons[0]!.where, comparisons[1]!.where] as const)
        : undefined;
  const properties = comparedEnvironments ? propertyComparisons(study, comparedEnvironments, models) : undefined;
  return {
    text: explanationText(comparisons, across, properties, decomposed || band === undefined),
    comparisons,
    ...(across ? { differences: across.differences, differencesAccountedBy: across.accountedBy } : {}),
    ...(properties && properties.length > 0 ? { properties } : {}),
    decomposed,
  };
}

type Compare = (where: string, change: string, from: readonly ConfigGroup[], to: readonly ConfigGroup[], pairs: readonly (readonly [ConfigGroup, ConfigGroup])[]) => ExplanationComparison | undefined;

function knobComparison(study: PreparedStudy, groups: readonly ConfigGroup[], knobName: string, fromLevel: string, toLevel: string, where: string, compare: Compare): ExplanationComparison | undefined {
  const knobIndex = study.knobs.findIndex((k) => k.name === knobName);
  if (knobIndex < 0) return undefined;
  const levels = study.knobs[knobIndex]!.levels.map(String);
  const fromIndex = levels.indexOf(fromLevel);
  const toIndex = levels.indexOf(toLevel);
  if (fromIndex < 0 || toIndex < 0) return undefined;
  const from = groups.filter((group) => group.levelIndex[knobIndex] === fromIndex);
  const to = groups.filter((group) => group.levelIndex[knobIndex] === toIndex);
  // Pairs: the same environment and every other knob at the same level.
  const partnerKey = (group: ConfigGroup) => `${group.environment}\u0000${group.levelIndex.filter((_, i) => i !== knobIndex).join(',')}`;
  const fromByKey = new Map(from.map((group) => [partnerKey(group), group]));
  const pairs = to.flatMap((group) => {
    const partner = fromByKey.get(partnerKey(group));
    return partner ? [[partner, group] as const] : [];
  });
  return compare(where, `${knobName} ${fromLevel} → ${toLevel}`, from, to, pairs);
}

function comparison(
  study: PreparedStudy,
  metric: string,
  band: LatencyBand | undefined,
  where: string,
  change: string,
  from: readonly ConfigGroup[],
  to: readonly ConfigGroup[],
  pairs: readonly (readonly [ConfigGroup, ConfigGroup])[],
): ExplanationComparison | undefined {
  const paired = pairs.length >= 2;
  if (!paired && (from.length === 0 || to.length === 0)) return undefined;
  const changeOf = (name: string, label: string): Change | undefined => {
    const index = study.metrics.indexOf(name);
    if (index < 0) return undefined;
    if (paired) {
      const differences = pairs.map(([a, b]) => b.means[index]! - a.means[index]!);
      const fromMean = average(pairs.map(([a]) => a.means[index]!));
      const toMean = average(pairs.map(([, b]) => b.means[index]!));
      const ci = meanTInterval(differences);
      return { metric: name, label, from: fromMean, to: toMean, difference: toMean - fromMean, ...(ci ? { ci } : {}) };
    }
    const a = from.map((group) => group.means[index]!);
    const b = to.map((group) => group.means[index]!);
    const ci = welchDifferenceInterval(a, b);
    return { metric: name, label, from: average(a), to: average(b), difference: average(b) - average(a), ...(ci ? { ci } : {}) };
  };
  return assemble(metric, band, where, change, paired ? 'paired' : 'independent', paired ? pairs.length : Math.min(from.length, to.length), changeOf);
}

/** Two configurations in one environment: their repetitions are the samples. */
function repetitionComparison(study: PreparedStudy, metric: string, band: LatencyBand | undefined, where: string, from: ConfigGroup, to: ConfigGroup): ExplanationComparison {
  const changeOf = (name: string, label: string): Change | undefined => {
    const index = study.metrics.indexOf(name);
    if (index < 0) return undefined;
    const a = from.values[index]!;
    const b = to.values[index]!;
    const ci = welchDifferenceInterval(a, b);
    return { metric: name, label, from: average(a), to: average(b), difference: average(b) - average(a), ...(ci ? { ci } : {}) };
  };
  return assemble(metric, band, where, configurationChange(from, to), 'repetitions', Math.min(from.values[0]!.length, to.values[0]!.length), changeOf)!;
}

/** "batching.enabled false → true, instances 1 → 2": the knobs that differ between two configurations. */
function configurationChange(from: ConfigGroup, to: ConfigGroup): string {
  const names = [...new Set([...Object.keys(from.configuration), ...Object.keys(to.configuration)])].sort();
  const differing = names.filter((name) => String(from.configuration[name]) !== String(to.configuration[name]));
  return differing.map((name) => `${name} ${String(from.configuration[name])} → ${String(to.configuration[name])}`).join(', ') || 'the same configuration';
}

function assemble(
  metric: string,
  band: LatencyBand | undefined,
  where: string,
  change: string,
  method: ExplanationComparison['method'],
  samples: number,
  changeOf: (name: string, label: string) => Change | undefined,
): ExplanationComparison | undefined {
  const objective = changeOf(metric, metricInfo(metric)?.label ?? metric);
  if (!objective) return undefined;
  const components = band ? LATENCY_COMPONENTS.flatMap((part) => changeOf(componentMetric(band, part.key), part.label) ?? []) : [];
  const load = LOAD_METRICS.flatMap((name) => changeOf(name, metricInfo(name)?.label ?? name) ?? []);
  const direction = Math.sign(objective.difference);
  const accountedBy = components
    .filter((c) => beyondNoise(c) && Math.sign(c.difference) === direction && Math.abs(c.difference) >= ACCOUNTS_SHARE * Math.abs(objective.difference))
    .sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference))
    .map((c) => c.label);
  const offsetBy = components
    .filter((c) => beyondNoise(c) && Math.sign(c.difference) === -direction && Math.abs(c.difference) >= OFFSET_SHARE * Math.abs(objective.difference))
    .map((c) => c.label);
  return { where, change, method, samples, objective, components, load, accountedBy, offsetBy };
}

function acrossComparisons(first: ExplanationComparison, second: ExplanationComparison): { differences: Change[]; accountedBy: string[] } {
  const differences = first.components.flatMap((a): Change[] => {
    const b = second.components.find((c) => c.metric === a.metric);
    if (!b) return [];
    const ci = a.ci && b.ci ? normalCombined(b.difference - a.difference, a.ci, b.ci) : undefined;
    return [{ metric: a.metric, label: a.label, from: a.difference, to: b.difference, difference: b.difference - a.difference, ...(ci ? { ci } : {}) }];
  });
  const accountedBy = differences
    .filter(beyondNoise)
    .sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference))
    .map((d) => d.label);
  return { differences, accountedBy };
}

/** Interval of a difference of two independent estimates from their own intervals (half-widths add in quadrature). */
function normalCombined(difference: number, a: readonly [number, number], b: readonly [number, number]): [number, number] {
  const half = Math.hypot((a[1] - a[0]) / 2, (b[1] - b[0]) / 2);
  return [difference - half, difference + half];
}

function propertyComparisons(study: PreparedStudy, environments: readonly string[], models: Readonly<Record<string, ModelProperties>>): PropertyComparison[] {
  const modelOf = (key: string) => study.environments.find((e) => e.key === key)?.model;
  const names = environments.map(modelOf);
  if (names.some((name) => name === undefined) || names[0] === names[1]) return [];
  return (Object.keys(PROPERTY_LABELS) as (keyof ModelProperties)[]).flatMap((property) => {
    const values = names.map((name) => models[name!]?.[property]);
    if (values.some((value) => value === undefined || !(value > 0))) return [];
    const [a, b] = values as [number, number];
    return [{ name: PROPERTY_LABELS[property], values: { [names[0]!]: a, [names[1]!]: b }, ratio: Math.max(a, b) / Math.min(a, b) }];
  });
}

function explanationText(comparisons: readonly ExplanationComparison[], across: { differences: Change[]; accountedBy: string[] } | undefined, properties: readonly PropertyComparison[] | undefined, decomposed: boolean): string {
  const sentences = comparisons.map(describeComparison);
  if (!decomposed) sentences.push('this study recorded no latency decomposition for it, so only the load is compared');
  if (across) {
    const moved = across.differences.filter((d) => across.accountedBy.includes(d.label));
    sentences.push(
      moved.length > 0
        ? `the difference between ${comparisons[0]!.where} and ${comparisons[1]!.where} lies in ${moved
            .map((d) => `${d.label} (${signed(d.from, d.metric)} vs ${signed(d.to, d.metric)}, a difference of ${formatNumber(Math.abs(d.difference))}${intervalText(d)})`)
            .join(', ')}`
        : `no part of the latency changes differently between ${comparisons[0]!.where} and ${comparisons[1]!.where} beyond noise: the decomposition does not account for the difference`,
    );
  }
  if (properties && properties.length > 0) {
    sentences.push(`the models differ in ${properties.map((p) => `${p.name} (${Object.entries(p.values).map(([model, value]) => `${model} ${formatNumber(value)}`).join(' vs ')}, ${formatNumber(p.ratio)}×)`).join(', ')}`);
  }
  return sentences.join('; ');
}

function describeComparison(c: ExplanationComparison): string {
  const moved = c.components.filter(beyondNoise);
  const basis = c.method === 'paired' ? `${c.samples} paired configurations` : c.method === 'repetitions' ? `${c.samples}+ repetitions a side` : `${c.samples}+ configurations a side`;
  const head = `in ${c.where}, ${c.change} changes ${c.objective.metric} by ${signed(c.objective.difference, c.objective.metric)}${intervalText(c.objective)} (${basis})`;
  if (c.components.length === 0) {
    const load = c.load.filter(beyondNoise);
    return load.length > 0 ? `${head}, with ${load.map((l) => `${l.label} ${formatNumber(l.from)} → ${formatNumber(l.to)}`).join(', ')}` : `${head}; no measured load variable moved beyond noise`;
  }
  if (moved.length === 0) return `${head}; no part of the latency moved beyond noise`;
  const parts = moved.map((part) => `${part.label} ${signed(part.difference, part.metric)}${intervalText(part)}`);
  const accounts = c.accountedBy.length > 0 ? `accounted for by ${c.accountedBy.join(' and ')}` : 'no single part accounts for a quarter of it';
  return `${head}: ${parts.join(', ')} (${accounts})`;
}

/** The change's interval excludes zero. */
function beyondNoise(change: Change): boolean {
  return change.ci !== undefined && (change.ci[0] > 0 || change.ci[1] < 0);
}

function signed(value: number, metric: string): string {
  const unit = metricUnit(metric);
  return `${value > 0 ? '+' : value < 0 ? '−' : ''}${formatNumber(Math.abs(value))}${unit ? ` ${unit}` : ''}`;
}

function intervalText(change: Change): string {
  return change.ci ? ` [${formatNumber(change.ci[0])}, ${formatNumber(change.ci[1])}]` : '';
}

function average(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}
