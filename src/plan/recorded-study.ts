/**
 * Reads a recorded study in the analysis CSV format (columns `knob.<name>`, `ctx.model`, `ctx.workload`,
 * `ctx.load`, `metric.<name>`, optionally `state`) into one table per environment (model, workload,
 * load): configuration -> metrics averaged over repetitions, and the design space the knob columns span.
 */
import { readFile } from 'node:fs/promises';
import { ServelabError, errorMessage } from '../core/errors.js';
import { configurationKey, type Configuration, type DesignSpace, type KnobValue } from '../core/space.js';

export interface RecordedEnvironment {
  readonly key: string;
  /** Configuration key -> metrics; a configuration whose every row failed maps to undefined. */
  readonly results: ReadonlyMap<string, Readonly<Record<string, number>> | undefined>;
}

export interface RecordedStudy {
  readonly space: DesignSpace;
  readonly environments: readonly RecordedEnvironment[];
  readonly metrics: readonly string[];
}

export async function readRecordedStudy(path: string): Promise<RecordedStudy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ServelabError(`cannot read recorded study ${path}: ${errorMessage(error)}`, 'not-found');
  }
  return parseRecordedStudy(text, path);
}

export function parseRecordedStudy(text: string, source = 'csv'): RecordedStudy {
  const [header, ...rows] = parseCsv(text);
  if (header === undefined) throw new ServelabError(`${source}: empty CSV, expected a header with knob.*, ctx.* and metric.* columns`);
  const knobColumns = header.flatMap((name, index) => (name.startsWith('knob.') ? [{ name: name.slice(5), index }] : []));
  const metricColumns = header.flatMap((name, index) => (name.startsWith('metric.') ? [{ name: name.slice(7), index }] : []));
  const ctx = ['ctx.model', 'ctx.workload', 'ctx.load'].map((name) => header.indexOf(name));
  if (knobColumns.length === 0 || metricColumns.length === 0) {
    throw new ServelabError(`${source}: expected knob.<name> and metric.<name> columns, got ${header.join(', ')}`);
  }
  const stateColumn = header.indexOf('state');
  const levels = knobColumns.map(() => new Set<KnobValue>());
  const sums = new Map<string, Map<string, { configuration: Configuration; sums: Record<string, number[]> } | undefined>>();
  for (const row of rows) {
    if (row.length === 1 && row[0] === '') continue;
    const environment = ctx.map((index) => (index >= 0 ? row[index] ?? '' : '')).join('|');
    const configuration = Object.fromEntries(knobColumns.map(({ name, index }, k) => {
      const value = parseCell(row[index] ?? '');
      levels[k]!.add(value);
      return [name, value];
    }));
    const key = configurationKey(configuration);
    const table = sums.get(environment) ?? new Map();
    sums.set(environment, table);
    // A completed trial flagged INVALID (e.g. too few requests behind a percentile) still measured something;
    // only trials that did not complete count as failures here.
    const failed = stateColumn >= 0 && row[stateColumn] !== 'completed';
    const entry = table.get(key) ?? { configuration, sums: {} };
    if (!failed) {
      for (const { name, index } of metricColumns) {
        const value = Number(row[index]);
        if (row[index] !== '' && Number.isFinite(value)) (entry.sums[name] ??= []).push(value);
      }
    }
    table.set(key, entry);
  }
  const environments = [...sums.entries()].map(([key, table]) => ({
    key,
    results: new Map(
      [...table.entries()].map(([configKey, entry]) => {
        const metrics = Object.fromEntries(
          Object.entries(entry?.sums ?? {}).map(([name, values]) => [name, values.reduce((s, v) => s + v, 0) / values.length]),
        );
        return [configKey, Object.keys(metrics).length > 0 ? metrics : undefined] as const;
      }),
    ),
  }));
  const space: DesignSpace = {
    knobs: knobColumns.map(({ name }, k) => {
      const values = [...levels[k]!];
      const numeric = values.every((value) => typeof value === 'number');
      const boolean = values.every((value) => typeof value === 'boolean');
      const sorted = numeric ? (values as number[]).sort((a, b) => a - b) : boolean ? [false, true].filter((value) => values.includes(value)) : values.sort();
      return { name, kind: numeric ? 'numeric' : boolean ? 'boolean' : 'categorical', levels: sorted };
    }),
  };
  return { space, environments, metrics: metricColumns.map(({ name }) => name) };
}

function parseCell(text: string): KnobValue {
  if (text === 'true' || text === 'false') return text === 'true';
  const number = Number(text);
  return text.trim() !== '' && Number.isFinite(number) ? number : text;
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') row.push(field), (field = '');
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(field), rows.push(row), (row = []), (field = '');
    } else field += char;
  }
  if (field !== '' || row.length > 0) row.push(field), rows.push(row);
  return rows;
}
