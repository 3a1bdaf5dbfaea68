/** Tooltip channel definitions: the configuration first, then the metrics with units. */
import { metricTitle } from '../../core/format.js';
import { TOOLTIP_METRICS } from './records.js';

export function tooltipFields(extraMetrics: readonly string[] = [], available: ReadonlySet<string> = new Set()): Record<string, string>[] {
  const metrics = [...new Set([...extraMetrics, ...TOOLTIP_METRICS])].filter((metric) => available.size === 0 || available.has(metric));
  return [
    { field: 'environment', type: 'nominal', title: 'environment' },
    { field: 'configuration', type: 'nominal', title: 'configuration' },
    ...metrics.map((metric) => ({ field: metric, type: 'quantitative', title: metricTitle(metric), format: '.4~g' })),
  ];
}
