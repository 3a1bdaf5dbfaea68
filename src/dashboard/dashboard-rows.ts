/** Light store rows as the dashboard's table rows, and as the analysis' trial rows. */
import type { Configuration } from '../core/space.js';
import type { FailureKind, TrialRow } from '../core/trial.js';
import type { ConfigurationSummary } from '../store/configuration-summary.js';
import { parseVerdictJson } from '../store/measurement-json.js';
import type { LightTrialRow } from './reader-queries.js';
import type { DashboardRow, MetricInterval } from './types.js';

export function dashboardRow(light: LightTrialRow): DashboardRow {
  const metrics = light.metrics_json ? (JSON.parse(light.metrics_json) as Record<string, number>) : {};
  const valid = light.valid === 1 || light.valid === true;
  const invalid = light.state === 'completed' && !valid;
  const verdictReasons = invalid ? (parseVerdictJson(light.verdict_json)?.reasons ?? []) : [];
  const reasons =
    light.state === 'failed'
      ? [light.reason ?? 'failed']
      : invalid
        ? verdictReasons.length > 0 ? verdictReasons.map((reason) => reason.message) : light.reason ? [light.reason] : []
        : [];
  return {
    id: light.trial_id,
    config: light.config_key,
    knobs: JSON.parse(light.configuration_json) as Configuration,
    model: light.model,
    workload: light.workload,
    load: light.load,
    ...(light.machine ? { machine: light.machine } : {}),
    repetition: light.repetition,
    state: light.state,
    attempt: light.attempt,
    verdict: light.state === 'completed' ? (valid ? 'valid' : 'invalid') : light.state,
    ...(light.state === 'failed' ? { failureKind: light.failure_kind ?? 'crash' } : {}),
    reasons,
    ...(verdictReasons.length > 0 ? { verdictReasons } : {}),
    metrics,
    ...(light.started_at ? { startedAt: light.started_at } : {}),
    ...(light.finished_at ? { finishedAt: light.finished_at } : {}),
  };
}

/** The row the analysis and the exports read (the machine kept in the context, as the store gives it). */
export function analysisRow(row: DashboardRow): TrialRow {
  return {
    trialId: row.id,
    configuration: row.knobs,
    context: { model: row.model, workload: row.workload, load: row.load, ...(row.machine === undefined ? {} : { machine: row.machine }) },
    repetition: row.repetition,
    state: row.state,
    valid: row.verdict === 'valid',
    metrics: row.metrics,
    ...(row.state === 'failed' ? { failure: { kind: (row.failureKind ?? 'crash') as FailureKind, reason: row.reasons[0] ?? 'failed' } } : {}),
  };
}

/** Repetitions of one configuration in one context share a group (and its confidence intervals). */
export function groupKey(row: Pick<DashboardRow, 'config' | 'model' | 'workload' | 'load' | 'machine'>): string {
  return `${row.config}\u0000${row.model}\u0000${row.workload}\u0000${row.load}\u0000${row.machine ?? ''}`;
}

export function withSummary(row: DashboardRow, summary: ConfigurationSummary | undefined): DashboardRow {
  const { summary: _previous, ...rest } = row;
  if (!summary || row.verdict !== 'valid') return rest;
  const intervals: Record<string, MetricInterval> = {};
  for (const [metric, value] of Object.entries(summary.metrics)) intervals[metric] = { mean: value.mean, n: value.n, low: value.ciLow, high: value.ciHigh };
  return { ...rest, summary: intervals };
}
