/**
 * How servelab writes numbers, p-values, intervals, metrics and configurations in findings, summaries, reports
 * and tooltips: one set of rules, so a number reads the same wherever it appears.
 */
import { metricInfo } from './metric.js';
import type { Configuration } from './space.js';

/** About `digits` significant digits, grouped thousands, exponent notation only for extreme magnitudes. */
export function formatNumber(value: number | undefined, digits = 3): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(digits - 1);
  if (magnitude >= 10 ** digits) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(digits)).toString();
}

/** A fraction as a percentage: three significant digits, or `decimals` fixed decimals when given. */
export function formatPercent(fraction: number | undefined, decimals?: number): string {
  if (fraction === undefined || !Number.isFinite(fraction)) return '–';
  return decimals === undefined ? `${formatNumber(fraction * 100)}%` : `${(fraction * 100).toFixed(decimals)}%`;
}

/** A relative change as a signed percentage, e.g. +12% or −38%. */
export function formatSignedPercent(fraction: number | undefined): string {
  if (fraction === undefined || !Number.isFinite(fraction)) return '–';
  const percent = Math.round(fraction * 100);
  return percent > 0 ? `+${percent}%` : percent < 0 ? `−${Math.abs(percent)}%` : '0%';
}

export function formatPValue(p: number | undefined): string {
  if (p === undefined || !Number.isFinite(p)) return 'p n/a';
  return p < 0.001 ? 'p<0.001' : `p=${p.toFixed(3)}`;
}

/** A p-value after the multiplicity adjustment, named as such. */
export function formatAdjustedPValue(p: number | undefined): string {
  return `Holm-adjusted ${formatPValue(p)}`;
}

export function formatInterval(interval: readonly [number, number], scale = 1, suffix = ''): string {
  return `95% CI ${formatNumber(interval[0] * scale)}${suffix} to ${formatNumber(interval[1] * scale)}${suffix}`;
}

export function formatWithUnit(value: number, metric: string): string {
  const unit = metricInfo(metric)?.unit;
  return unit ? `${formatNumber(value)} ${unit}` : formatNumber(value);
}

/** "p99 latency (ms)" for a metric name; the bare name with no unit when unknown. */
export function metricTitle(metric: string): string {
  const info = metricInfo(metric);
  return info ? `${info.label} (${info.unit})` : metric;
}

export function metricUnit(metric: string): string {
  return metricInfo(metric)?.unit ?? '';
}

/** Whether larger values of the metric are better. */
export function higherIsBetter(metric: string): boolean {
  return metricInfo(metric)?.better === 'higher';
}

/** "batching.maxBatchSize=8, instances=2" in the order of the given knob names, then any others sorted. */
export function configurationLabel(configuration: Configuration, knobOrder: readonly string[] = []): string {
  const names = [...knobOrder.filter((name) => name in configuration), ...Object.keys(configuration).filter((name) => !knobOrder.includes(name)).sort()];
  return names.map((name) => `${name}=${String(configuration[name])}`).join(', ');
}

/** The label of a stored configuration key (its configuration as JSON). */
export function configKeyLabel(configKey: string): string {
  return configurationLabel(JSON.parse(configKey) as Configuration);
}

/** The label of an environment key 'model|workload|load'. */
export function environmentLabel(key: string): string {
  return key.split('|').join(' · ');
}

export function formatBytesMb(megabytes: number): string {
  return megabytes >= 1024 ? `${(megabytes / 1024).toFixed(1)} GiB` : `${Math.round(megabytes)} MiB`;
}

export function formatCount(count: number): string {
  if (count >= 1e9) return `${(count / 1e9).toFixed(2)} G`;
  if (count >= 1e6) return `${(count / 1e6).toFixed(2)} M`;
  if (count >= 1e3) return `${(count / 1e3).toFixed(1)} k`;
  return String(count);
}
