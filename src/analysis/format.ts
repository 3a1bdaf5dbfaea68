/** Number and configuration formatting shared by findings and the text summary. */
import { metricInfo } from '../core/metric.js';
import type { Configuration } from '../core/space.js';

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude === 0) return '0';
  if (magnitude >= 1000 || magnitude < 0.001) return value.toPrecision(3).replace(/\.?0+e/, 'e');
  return Number(value.toPrecision(3)).toString();
}

export function formatPercent(fraction: number): string {
  return `${formatNumber(100 * fraction)}%`;
}

export function formatWithUnit(value: number, metric: string): string {
  const unit = metricInfo(metric)?.unit;
  return unit ? `${formatNumber(value)} ${unit}` : formatNumber(value);
}

export function formatInterval(interval: readonly [number, number], scale = 1, suffix = ''): string {
  return `95% CI ${formatNumber(interval[0] * scale)}${suffix} to ${formatNumber(interval[1] * scale)}${suffix}`;
}

export function formatPValue(p: number): string {
  if (!Number.isFinite(p)) return 'p n/a';
  return p < 0.001 ? 'p<0.001' : `p=${p.toFixed(3)}`;
}

/** A p-value after the multiplicity adjustment, named as such. */
export function formatAdjustedPValue(p: number): string {
  if (!Number.isFinite(p)) return 'adjusted p n/a';
  return p < 0.001 ? 'Holm-adjusted p<0.001' : `Holm-adjusted p=${p.toFixed(3)}`;
}

export function describeConfiguration(configuration: Configuration): string {
  return Object.keys(configuration)
    .sort()
    .map((key) => `${key}=${String(configuration[key])}`)
    .join(', ');
}

export function describeConfigKey(configKey: string): string {
  return describeConfiguration(JSON.parse(configKey) as Configuration);
}
