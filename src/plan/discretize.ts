/**
 * Turns a continuous knob range into the discrete levels a sampler chooses from: evenly spaced (linear),
 * geometrically spaced (log), or the powers of two inside the range (pow2). Levels come back sorted and
 * deduplicated; integer knobs get integers (rounding can merge neighbours, so fewer levels than asked may result).
 */
import { ServelabError } from '../core/errors.js';

export const SCALES = ['linear', 'log', 'pow2'] as const;
export type Scale = (typeof SCALES)[number];

export interface RangeSpec {
  readonly range: readonly [number, number];
  readonly scale: Scale;
  /** Number of levels; required for linear and log, optional for pow2 (default: every power of two in range). */
  readonly levels?: number;
}

export function discretize(spec: RangeSpec, options: { integer: boolean }): number[] {
  const [low, high] = spec.range;
  if (!Number.isFinite(low) || !Number.isFinite(high)) {
    throw new ServelabError(`range bounds must be finite numbers, but got [${low}, ${high}]`);
  }
  if (low > high) throw new ServelabError(`range: low <= high must hold, but got (low=${low}, high=${high})`);
  if (spec.levels !== undefined && (!Number.isInteger(spec.levels) || spec.levels < 1)) {
    throw new ServelabError(`levels: expected a positive integer, got ${spec.levels}`);
  }
  let values: number[];
  switch (spec.scale) {
    case 'linear':
      values = spaced(low, high, requireLevels(spec), (t) => low + t * (high - low));
      break;
    case 'log':
      if (low <= 0) throw new ServelabError(`range: a log scale needs low > 0, but got low=${low}`);
      values = spaced(low, high, requireLevels(spec), (t) => low * Math.pow(high / low, t));
      break;
    case 'pow2':
      values = powersOfTwo(low, high, spec.levels);
      break;
  }
  const finished = values.map((value) => (options.integer ? Math.round(value) : roundSignificant(value)));
  if (options.integer && finished.some((value) => value < Math.ceil(low) || value > Math.floor(high))) {
    // Rounding at a fractional bound can step outside it; clamp to the integers inside the range.
    for (let i = 0; i < finished.length; i++) finished[i] = Math.min(Math.floor(high), Math.max(Math.ceil(low), finished[i]!));
  }
  if (options.integer && Math.ceil(low) > Math.floor(high)) {
    throw new ServelabError(`range: an integer knob needs an integer inside [${low}, ${high}]`);
  }
  return sortedUnique(finished);
}

function requireLevels(spec: RangeSpec): number {
  if (spec.levels === undefined) throw new ServelabError(`levels: a ${spec.scale} scale needs a level count, e.g. levels: 5`);
  if (spec.levels < 2 && spec.range[0] !== spec.range[1]) {
    throw new ServelabError(`levels: a range needs at least 2 levels, but got ${spec.levels}`);
  }
  return spec.levels;
}

function spaced(low: number, high: number, count: number, at: (t: number) => number): number[] {
  if (count === 1 || low === high) return [low];
  // The ends are set exactly, so no floating-point drift moves them past the bounds.
  return Array.from({ length: count }, (_, i) => (i === 0 ? low : i === count - 1 ? high : at(i / (count - 1))));
}

function powersOfTwo(low: number, high: number, levels: number | undefined): number[] {
  if (low <= 0) throw new ServelabError(`range: a pow2 scale needs low > 0, but got low=${low}`);
  const all: number[] = [];
  for (let exponent = Math.ceil(Math.log2(low) - 1e-9); Math.pow(2, exponent) <= high * (1 + 1e-12); exponent++) {
    all.push(Math.pow(2, exponent));
  }
  if (all.length === 0) throw new ServelabError(`range: no power of two lies in [${low}, ${high}]`);
  if (levels === undefined || levels >= all.length) return all;
  if (levels === 1) return [all[0]!];
  // Pick `levels` of them evenly by exponent, keeping both ends.
  return Array.from({ length: levels }, (_, i) => all[Math.round((i * (all.length - 1)) / (levels - 1))]!);
}

function roundSignificant(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(10));
}

/** Sorted ascending without duplicates. */
export function sortedUnique(values: readonly number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}
