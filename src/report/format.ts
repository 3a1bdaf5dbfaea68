/** Number, metric and configuration formatting for the report's text, tables and tooltips. */
import { metricInfo } from '../core/metric.js';
import type { Configuration } from '../core/space.js';

/** A number with about three significant digits, without exponent notation for everyday magnitudes. */
export function formatNumber(value: number | undefined, digits = 3): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(digits - 1);
  if (magnitude >= 10 ** digits) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(digits)).toString();
}

export function formatPercent(fraction: number | undefined, digits = 0): string {
  if (fraction === undefined || !Number.isFinite(fraction)) return '–';
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** A relative change as a signed percentage, e.g. +12% or −38%. */
export function formatSignedPercent(fraction: number | undefined): string {
  if (fraction === undefined || !Number.isFinite(fraction)) return '–';
  const percent = Math.round(fraction * 100);
  return percent > 0 ? `+${percent}%` : percent < 0 ? `−${Math.abs(percent)}%` : '0%';
}

export function formatPValue(pValue: number): string {
  if (!Number.isFinite(pValue)) return '–';
  return pValue < 0.001 ? '< 0.001' : pValue.toFixed(3);
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
