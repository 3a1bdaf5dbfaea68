import { ServelabError } from './errors.js';

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses '250ms', '30s', '2m', '1.5h' or a bare number of milliseconds into milliseconds. */
export function parseDurationMs(text: string | number, what = 'duration'): number {
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0) throw new ServelabError(`${what}: expected a non-negative duration, got ${text}`);
    return text;
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|m|h)?\s*$/.exec(text);
  if (!match) throw new ServelabError(`${what}: expected a duration like 500ms, 30s or 2m, got '${text}'`);
  return Number(match[1]) * UNIT_MS[match[2] ?? 'ms']!;
}
