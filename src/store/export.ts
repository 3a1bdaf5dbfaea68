/**
 * Exports in the analysis format: one row per trial and repetition with columns
 *   trial, repetition, state, valid, failure, knob.<name>..., ctx.model, ctx.workload, ctx.load, [ctx.machine, ctx.coServed,] metric.<name>...
 * (metrics named as in core/metric.ts). The JSON export has the same rows as objects, plus the study, the
 * environment, capacities and each trial's energy meter (name and measurement/estimate) beside its figures,
 * and each configuration's mean with its 95% interval per context (also as CSV: --summary-csv).
 */
import { writeFileSync } from 'node:fs';
import { ServelabError } from '../core/errors.js';
import { METRICS } from '../core/metric.js';
import type { KnobValue } from '../core/space.js';
import type { TrialRow } from '../core/trial.js';
import { copyStudy, openResultsStore, requireStudy, type AsyncResultsStore } from './async-store.js';
import { summarizeConfigurations, type ConfigurationSummary } from './configuration-summary.js';
import type { StoredTrial, StudyRecord, TrialAttempt } from './types.js';

type Cell = string | number | boolean | undefined;

export interface ExportTable {
  readonly columns: readonly string[];
  readonly rows: readonly Readonly<Record<string, Cell>>[];
}

const METRIC_ORDER = Object.keys(METRICS);

/** The analysis-format table of trial rows: knob columns sorted by name, metrics in core/metric.ts order. */
export function trialTable(rows: readonly TrialRow[]): ExportTable {
  const knobs = [...new Set(rows.flatMap((row) => Object.keys(row.configuration)))].sort();
  const metricNames = [...new Set(rows.flatMap((row) => Object.keys(row.metrics)))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const machines = rows.some((row) => row.context.machine !== undefined) ? ['ctx.machine'] : [];
  const coServed = rows.some((row) => row.context.coServed !== undefined) ? ['ctx.coServed'] : [];
  const columns = ['trial', 'repetition', 'state', 'valid', 'failure', ...knobs.map((k) => `knob.${k}`), 'ctx.model', 'ctx.workload', 'ctx.load', ...machines, ...coServed, ...metricNames.map((m) => `metric.${m}`)];
  const table = rows.map((row) => {
    const record: Record<string, Cell> = {
      trial: row.trialId,
      repetition: row.repetition,
      state: row.state,
      valid: row.valid,
      failure: row.failure ? `${row.failure.kind}: ${row.failure.reason}` : undefined,
      'ctx.model': row.context.model,
      'ctx.workload': row.context.workload,
      'ctx.load': row.context.load,
      ...(machines.length > 0 ? { 'ctx.machine': row.context.machine } : {}),
      ...(coServed.length > 0 ? { 'ctx.coServed': row.context.coServed } : {}),
    };
    for (const knob of knobs) record[`knob.${knob}`] = row.configuration[knob] as KnobValue | undefined;
    for (const metric of metricNames) record[`metric.${metric}`] = row.metrics[metric];
    return record;
  });
  return { columns, rows: table };
}

function rank(metric: string): number {
  const index = METRIC_ORDER.indexOf(metric);
  return index < 0 ? METRIC_ORDER.length : index;
}

/** One row per configuration and context: knob.*, ctx.*, then metric.<name>.mean/.n/.ci_low/.ci_high. */
export function summaryTable(summaries: readonly ConfigurationSummary[]): ExportTable {
  const knobs = [...new Set(summaries.flatMap((summary) => Object.keys(summary.configuration)))].sort();
  const contexts = [...new Set(summaries.flatMap((summary) => Object.keys(summary.context)))];
  const metrics = [...new Set(summaries.flatMap((summary) => Object.keys(summary.metrics)))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const statistics = ['mean', 'n', 'ci_low', 'ci_high'] as const;
  const columns = [...knobs.map((knob) => `knob.${knob}`), ...contexts.map((name) => `ctx.${name}`), ...metrics.flatMap((metric) => statistics.map((stat) => `metric.${metric}.${stat}`))];
  const rows = summaries.map((summary) => {
    const row: Record<string, Cell> = {};
    for (const knob of knobs) row[`knob.${knob}`] = summary.configuration[knob] as KnobValue | undefined;
    for (const name of contexts) row[`ctx.${name}`] = (summary.context as unknown as Record<string, string | undefined>)[name];
    for (const metric of metrics) {
      const value = summary.metrics[metric];
      if (!value) continue;
      row[`metric.${metric}.mean`] = value.mean;
      row[`metric.${metric}.n`] = value.n;
      row[`metric.${metric}.ci_low`] = value.ciLow ?? undefined;
      row[`metric.${metric}.ci_high`] = value.ciHigh ?? undefined;
    }
    return row;
  });
  return { columns, rows };
}

export function toCsv(table: ExportTable): string {
  const lines = [table.columns.map(csvCell).join(',')];
  for (const row of table.rows) lines.push(table.columns.map((column) => csvCell(row[column])).join(','));
  return `${lines.join('\n')}\n`;
}

function csvCell(value: Cell): string {
  if (value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface ExportDocument {
  readonly format: 'servelab-trials/1';
  readonly study: { readonly name: string; readonly seed: number; readonly definition: unknown; readonly createdAt?: string };
  readonly environment: readonly unknown[];
  readonly capacities: readonly unknown[];
  readonly columns: readonly string[];
  readonly rows: readonly Readonly<Record<string, unknown>>[];
  /** Each configuration's mean per context with its 95% t interval over the valid repetitions (null without repetitions). */
  readonly configurations: readonly ConfigurationSummary[];
  /** Every attempt of every trial, earlier failed or interrupted ones included (`explore --retry-failed`). */
  readonly attempts: readonly TrialAttempt[];
}

/** The JSON export: the table's rows plus, per row, the energy meter beside the energy figures. */
export async function exportDocument(store: AsyncResultsStore, study: StudyRecord): Promise<ExportDocument> {
  const trials = await store.trials(study.studyId);
  const table = trialTable(trials.map((trial) => trial.row));
  return {
    format: 'servelab-trials/1',
    study: { name: study.studyId, seed: study.seed, definition: study.definition, ...(study.createdAt ? { createdAt: study.createdAt } : {}) },
    environment: await store.environments(study.studyId),
    capacities: await store.capacities(study.studyId),
    columns: table.columns,
    rows: table.rows.map((row, index) => ({ ...row, ...energyLabel(trials[index]!) })),
    configurations: summarizeConfigurations(trials.map((trial) => trial.row)),
    attempts: await store.attempts(study.studyId),
  };
}

function energyLabel(trial: StoredTrial): Record<string, unknown> {
  const energy = trial.measurement?.energy;
  if (!energy?.meter) return {};
  return { 'energy.meter': energy.meter, 'energy.source': energy.source, 'energy.scope': energy.scope };
}

export interface ExportOptions {
  readonly csvPath?: string;
  readonly jsonPath?: string;
  /** Per configuration and context: means with their 95% intervals. */
  readonly summaryCsvPath?: string;
  /** Copy the study, trial by trial, into this SQLite file (e.g. to take a PostgreSQL study home). */
  readonly sqlitePath?: string;
  readonly studyId?: string;
}

/** Writes the CSV, JSON and/or SQLite export of one study (from an SQLite file or postgres:// store); returns how many rows. */
export async function exportStudy(location: string, options: ExportOptions): Promise<{ study: string; rows: number }> {
  if (!options.csvPath && !options.jsonPath && !options.summaryCsvPath && !options.sqlitePath) {
    throw new ServelabError('export: give --csv FILE, --summary-csv FILE, --json FILE and/or --sqlite FILE');
  }
  const store = await openResultsStore(location, { mustExist: true });
  try {
    const study = await requireStudy(store, options.studyId);
    const rows = await store.trialRows(study.studyId);
    if (options.csvPath) writeFileSync(options.csvPath, toCsv(trialTable(rows)));
    if (options.summaryCsvPath) writeFileSync(options.summaryCsvPath, toCsv(summaryTable(summarizeConfigurations(rows))));
    if (options.jsonPath) writeFileSync(options.jsonPath, `${JSON.stringify(await exportDocument(store, study), null, 2)}\n`);
    if (options.sqlitePath) {
      const copy = await openResultsStore(options.sqlitePath);
      try {
        await copyStudy(store, copy, study.studyId);
      } finally {
        await copy.close();
      }
    }
    return { study: study.studyId, rows: rows.length };
  } finally {
    await store.close();
  }
}
