/**
 * Reads trial rows from a CSV in the analysis format:
 *   trial (optional id), repetition, state, valid, failure (optional), knob.<name>..., ctx.model, ctx.workload,
 *   ctx.load (optional, default '-'), ctx.machine (optional: the worker that ran it), ctx.coServed (optional: the
 *   models served together), metric.<name>...
 * One row per trial or per repetition; rows with the same trial id, or the same knobs and context, are
 * repetitions of one trial.
 */
import { readFileSync } from 'node:fs';
import { ServelabError } from '../../core/errors.js';
import { configurationKey, type Configuration, type KnobValue } from '../../core/space.js';
import type { TrialRow, TrialState } from '../../core/trial.js';
import { parseCsv } from './csv-parse.js';

const PLAIN_COLUMNS = new Set(['trial', 'repetition', 'state', 'valid', 'failure']);
const CONTEXT_COLUMNS = ['ctx.model', 'ctx.workload', 'ctx.load', 'ctx.machine', 'ctx.coServed'] as const;
const STATES: readonly TrialState[] = ['planned', 'running', 'completed', 'failed'];
/** Error messages stay one short line even when a header is garbage (e.g. a whole file read as one line). */
const MAX_LISTED_COLUMNS = 5;
const MAX_NAME_CHARS = 40;
const EXPECTED_COLUMNS = 'trial, repetition, state, valid, failure, knob.<name>, ctx.model, ctx.workload, ctx.load, metric.<name>';

export function readCsvTrialRows(path: string): TrialRow[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ServelabError(`cannot read analysis source '${path}': ${(error as Error).message}`, 'not-found');
  }
  return parseTrialCsv(text, path);
}

export function parseTrialCsv(text: string, sourceName = 'CSV'): TrialRow[] {
  const records = parseCsv(text, sourceName);
  const header = records[0];
  if (!header) throw new ServelabError(`${sourceName}: the file is empty; expected a header row with ${EXPECTED_COLUMNS}`);
  const columns = header.map((name) => name.trim());
  const unknown = columns.filter(
    (name) => !PLAIN_COLUMNS.has(name) && !(CONTEXT_COLUMNS as readonly string[]).includes(name) && !/^(knob|metric)\.\S+$/.test(name),
  );
  if (unknown.length > 0) {
    const listed = unknown.slice(0, MAX_LISTED_COLUMNS).map((n) => `'${shortened(n)}'`).join(', ');
    const more = unknown.length > MAX_LISTED_COLUMNS ? ` and ${unknown.length - MAX_LISTED_COLUMNS} more` : '';
    throw new ServelabError(`${sourceName}: unexpected column(s) ${listed}${more}; expected ${EXPECTED_COLUMNS}`);
  }
  const duplicate = columns.find((name, index) => columns.indexOf(name) !== index);
  if (duplicate) throw new ServelabError(`${sourceName}: column '${duplicate}' appears twice`);
  const knobColumns = columns.flatMap((name, index) => (name.startsWith('knob.') ? [{ name: name.slice(5), index }] : []));
  const metricColumns = columns.flatMap((name, index) => (name.startsWith('metric.') ? [{ name: name.slice(7), index }] : []));
  if (knobColumns.length === 0) throw new ServelabError(`${sourceName}: no knob columns; expected at least one column named knob.<name>`);
  if (metricColumns.length === 0) throw new ServelabError(`${sourceName}: no metric columns; expected at least one column named metric.<name>`);
  if (records.length < 2) throw new ServelabError(`${sourceName}: no trials; expected at least one data row after the header`);
  const at = (name: string): number => columns.indexOf(name);
  const [modelAt, workloadAt, loadAt, machineAt, coServedAt] = CONTEXT_COLUMNS.map(at) as [number, number, number, number, number];
  const trialAt = at('trial');
  const repetitionAt = at('repetition');
  const stateAt = at('state');
  const validAt = at('valid');
  const failureAt = at('failure');

  const repetitionsSeen = new Map<string, number>();
  // Rows with the same knob cells share one configuration object (less memory, and keys are computed once).
  const configurations = new Map<string, { configuration: Configuration; key: string }>();
  const rows: TrialRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const record = records[r]!;
    const where = `${sourceName} row ${r + 1}`;
    if (record.length !== columns.length) {
      throw new ServelabError(`${where}: has ${record.length} fields; expected ${columns.length} like the header`);
    }
    const cell = (index: number): string => (index < 0 ? '' : record[index]!.trim());
    const knobCells = knobColumns.map(({ index }) => cell(index)).join('\u0001');
    let interned = configurations.get(knobCells);
    if (!interned) {
      const built: Configuration = Object.fromEntries(knobColumns.map(({ name, index }) => [name, parseKnobValue(cell(index))]));
      interned = { configuration: built, key: configurationKey(built) };
      configurations.set(knobCells, interned);
    }
    const configuration = interned.configuration;
    const machine = cell(machineAt);
    const coServed = cell(coServedAt);
    const context = { model: cell(modelAt) || '-', workload: cell(workloadAt) || '-', load: cell(loadAt) || '-', ...(machine ? { machine } : {}), ...(coServed ? { coServed } : {}) };
    const metrics: Record<string, number> = {};
    for (const { name, index } of metricColumns) {
      const raw = cell(index);
      if (raw === '' || raw.toLowerCase() === 'nan' || raw.toLowerCase() === 'null') continue;
      const value = Number(raw);
      if (!Number.isFinite(value)) throw new ServelabError(`${where}, column metric.${name}: expected a number, got '${raw}'`);
      metrics[name] = value;
    }
    const state = parseState(cell(stateAt), where);
    const groupKey = trialAt >= 0 && cell(trialAt) ? `id:${cell(trialAt)}` : `${context.model}|${context.workload}|${context.load}|${coServed}|${interned.key}`;
    const repetition = repetitionAt >= 0 && cell(repetitionAt) !== '' ? parseRepetition(cell(repetitionAt), where) : (repetitionsSeen.get(groupKey) ?? 0);
    repetitionsSeen.set(groupKey, (repetitionsSeen.get(groupKey) ?? 0) + 1);
    const failureReason = cell(failureAt);
    rows.push({
      trialId: trialAt >= 0 && cell(trialAt) ? cell(trialAt) : `row-${r + 1}`,
      configuration,
      context,
      repetition,
      state,
      valid: parseValid(cell(validAt), where),
      metrics,
      ...(state === 'failed' ? { failure: { kind: 'crash' as const, reason: failureReason || 'failed' } } : {}),
    });
  }
  markEmptyMetricColumns(rows, metricColumns.map((c) => c.name));
  return rows;
}

/**
 * A metric column with no number in any row (empty or NaN throughout) still exists: completed rows record it as NaN,
 * so the analysis can say the column is empty instead of not knowing the metric. Partly measured columns stay as they are.
 */
function markEmptyMetricColumns(rows: TrialRow[], metricNames: readonly string[]): void {
  const empty = metricNames.filter((name) => rows.every((row) => row.metrics[name] === undefined));
  if (empty.length === 0) return;
  for (const row of rows) {
    if (row.state !== 'completed') continue;
    for (const name of empty) (row.metrics as Record<string, number>)[name] = Number.NaN;
  }
}

function shortened(name: string): string {
  return name.length > MAX_NAME_CHARS ? `${name.slice(0, MAX_NAME_CHARS)}…` : name;
}

export function parseKnobValue(raw: string): KnobValue {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw !== '' && Number.isFinite(Number(raw))) return Number(raw);
  return raw;
}

function parseState(raw: string, where: string): TrialState {
  if (raw === '') return 'completed';
  if ((STATES as readonly string[]).includes(raw)) return raw as TrialState;
  throw new ServelabError(`${where}, column state: expected one of ${STATES.join(', ')}, got '${raw}'`);
}

function parseValid(raw: string, where: string): boolean {
  const lower = raw.toLowerCase();
  if (lower === '' || lower === 'true' || lower === '1' || lower === 'valid') return true;
  if (lower === 'false' || lower === '0' || lower === 'invalid') return false;
  throw new ServelabError(`${where}, column valid: expected true or false, got '${raw}'`);
}

function parseRepetition(raw: string, where: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ServelabError(`${where}, column repetition: expected a non-negative integer, got '${raw}'`);
  return value;
}
