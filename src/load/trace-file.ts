/**
 * Arrival traces from CSV: one arrival per line, its offset from the start in the first column. An optional
 * header names the unit (offset_ms, offset_s or offset_us; ms when absent); blank lines and # comments are
 * skipped; further columns are ignored. Offsets must be non-negative and must not decrease.
 */
import { readFileSync } from 'node:fs';
import { ServelabError, errorMessage } from '../core/errors.js';
import { MAX_SCHEDULED_REQUESTS } from './pattern.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, us: 0.001 };

export function parseTraceCsv(text: string, source = 'trace'): number[] {
  const offsets: number[] = [];
  let scale = 1;
  let headerSeen = false;
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const field = line.split(',')[0]!.trim();
    const lineNo = index + 1;
    if (offsets.length === 0 && !headerSeen && !/^[-+.\d]/.test(field)) {
      const unit = /(?:^|_)(ms|s|us)$/i.exec(field.replace(/\s+/g, '_'))?.[1]?.toLowerCase();
      if (field.toLowerCase().startsWith('offset') || field.toLowerCase().startsWith('time')) {
        scale = UNIT_MS[unit ?? 'ms']!;
        headerSeen = true;
        continue;
      }
    }
    const value = Number(field);
    if (field === '' || !Number.isFinite(value)) throw new ServelabError(`${source}:${lineNo}: expected an arrival offset (a number), got '${field}'`);
    if (value < 0) throw new ServelabError(`${source}:${lineNo}: arrival offsets must be non-negative, got ${value}`);
    const offsetMs = value * scale;
    const previous = offsets.at(-1);
    if (previous !== undefined && offsetMs < previous) {
      throw new ServelabError(`${source}:${lineNo}: arrival offsets must not decrease, got ${value} after ${previous / scale}`);
    }
    offsets.push(offsetMs);
    if (offsets.length > MAX_SCHEDULED_REQUESTS) throw new ServelabError(`${source}: more than ${MAX_SCHEDULED_REQUESTS} arrivals`);
  }
  if (offsets.length === 0) throw new ServelabError(`${source}: no arrivals (expected one offset per line, e.g. 'offset_ms' then 0, 12.5, 30)`);
  return offsets;
}

export function readTraceFile(path: string): number[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ServelabError(`cannot read trace file '${path}': ${errorMessage(error)}`, 'not-found');
  }
  return parseTraceCsv(text, path);
}
