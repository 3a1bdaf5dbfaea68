/**
 * Exports in the analysis format: one row per trial and repetition with columns
 *   trial, repetition, state, valid, failure, knob.<name>..., ctx.model, ctx.workload, ctx.load, metric.<name>...
 * (metrics named as in core/metric.ts). The JSON export has the same rows as objects, plus the study, the
 * environment, capacities and each trial's energy meter (name and measurement/estimate) beside its figures.
 */
import { writeFileSync } from 'node:fs';
import { ServelabError } from '../core/errors.js';
import { METRICS } from '../core/metric.js';
import type { KnobValue } from '../core/space.js';
import type { TrialRow } from '../core/trial.js';
import { openSqliteStore } from './sqlite-store.js';
import type { ResultsStore, StoredTrial, StudyRecord } from './types.js';

/** Every trial row of a study database (all studies, or one). For the analysis and the report. */
export function readTrialRows(dbPath: string, studyId?: string): TrialRow[] {
  const store = openSqliteStore(dbPath, { mustExist: true });
  try {
    return store.trialRows(studyId === undefined ? undefined : requireStudy(store, studyId).studyId);
  } finally {
    store.close();
  }
}

/** The one study of a database, or the named one; several studies without a name is an error listing them. */
export function requireStudy(store: ResultsStore, studyId?: string): StudyRecord {
  const studies = store.studies();
  if (studyId !== undefined) {
    const found = studies.find((study) => study.studyId === studyId);
    if (!found) throw new ServelabError(`no study '${studyId}' in this database; it holds: ${studies.map((s) => s.studyId).join(', ') || 'none'}`, 'not-found');
    return found;
  }
  if (studies.length === 0) throw new ServelabError('the database holds no study yet', 'not-found');
  if (studies.length > 1) throw new ServelabError(`the database holds several studies (${studies.map((s) => s.studyId).join(', ')}); choose one with --study NAME`);
  return studies[0]!;
}

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
  const columns = ['trial', 'repetition', 'state', 'valid', 'failure', ...knobs.map((k) => `knob.${k}`), 'ctx.model', 'ctx.workload', 'ctx.load', ...metricNames.map((m) => `metric.${m}`)];
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
}

/** The JSON export: the table's rows plus, per row, the energy meter beside the energy figures. */
export function exportDocument(store: ResultsStore, study: StudyRecord): ExportDocument {
  const trials = store.trials(study.studyId);
  const table = trialTable(trials.map((trial) => trial.row));
  return {
    format: 'servelab-trials/1',
    study: { name: study.studyId, seed: study.seed, definition: study.definition, ...(study.createdAt ? { createdAt: study.createdAt } : {}) },
    environment: store.environments(study.studyId),
    capacities: store.capacities(study.studyId),
    columns: table.columns,
    rows: table.rows.map((row, index) => ({ ...row, ...energyLabel(trials[index]!) })),
  };
}

function energyLabel(trial: StoredTrial): Record<string, unknown> {
  const energy = trial.measurement?.energy as { meter?: string; source?: string; scope?: string } | undefined;
  if (!energy?.meter) return {};
  return { 'energy.meter': energy.meter, 'energy.source': energy.source, 'energy.scope': energy.scope };
}

export interface ExportOptions {
  readonly csvPath?: string;
  readonly jsonPath?: string;
  readonly studyId?: string;
}

/** Writes the CSV and/or JSON export of one study; returns how many rows were written. */
export function exportStudy(dbPath: string, options: ExportOptions): { study: string; rows: number } {
  if (!options.csvPath && !options.jsonPath) throw new ServelabError('export: give --csv FILE and/or --json FILE');
  const store = openSqliteStore(dbPath, { mustExist: true });
  try {
    const study = requireStudy(store, options.studyId);
    const rows = store.trialRows(study.studyId);
    if (options.csvPath) writeFileSync(options.csvPath, toCsv(trialTable(rows)));
    if (options.jsonPath) writeFileSync(options.jsonPath, `${JSON.stringify(exportDocument(store, study), null, 2)}\n`);
    return { study: study.studyId, rows: rows.length };
  } finally {
    store.close();
  }
}
