/** Flat records for figure data: field names without dots, so Vega-Lite reads them as plain fields. */
import { environmentLabel } from '../../core/format.js';
import type { TrialPoint } from '../trial-points.js';

export interface PointRecord {
  readonly environment: string;
  readonly series: string;
  readonly model: string;
  readonly workload: string;
  readonly load: string;
  readonly configuration: string;
  readonly [metric: string]: string | number | boolean;
}

/** Metrics shown in every point's tooltip, when measured. */
export const TOOLTIP_METRICS = ['p50_ms', 'p99_ms', 'achieved_rps', 'energy_j_per_inf'] as const;

export function pointRecord(point: TrialPoint, metrics: readonly string[]): PointRecord {
  const record: Record<string, string | number | boolean> = {
    environment: environmentLabel(point.environment),
    series: `${point.context.model} · ${point.context.workload}`,
    model: point.context.model,
    workload: point.context.workload,
    load: point.context.load,
    configuration: point.label,
  };
  for (const metric of new Set([...metrics, ...TOOLTIP_METRICS])) {
    const value = point.metrics[metric];
    if (value !== undefined && Number.isFinite(value)) record[metric] = roundForFigure(value);
  }
  return record as PointRecord;
}

/** Four significant digits: enough for any axis, and it keeps embedded figure data small. */
export function roundForFigure(value: number): number {
  return value === 0 || !Number.isFinite(value) ? value : Number(value.toPrecision(4));
}
