/**
 * Open-loop schedules, generated in full before any request is sent (as MLPerf LoadGen does), from a random
 * stream of their own: the same pattern, duration and seed always give the same arrival offsets.
 */
import { createRng } from '../core/random.js';
import { ServelabError } from '../core/errors.js';
import { MAX_SCHEDULED_REQUESTS, type OpenLoopPattern } from './pattern.js';
import { arrivalsFromProfile, expectedArrivals, rateSegments, type RateSegment } from './rate-profile.js';

export interface Schedule {
  /** Send offsets in ms from the run's start, ascending: warm-up arrivals first, then the measured ones. */
  readonly offsetsMs: Float64Array;
  /** How many leading offsets belong to the warm-up (sent, never measured). */
  readonly warmupCount: number;
  /** Measurement starts here (= the warm-up length). */
  readonly measureStartMs: number;
  /** Measurement ends here. */
  readonly endMs: number;
}

export interface ScheduleOptions {
  readonly durationMs: number;
  readonly warmupMs?: number;
  readonly seed: number;
}

/**
 * The schedule of an open-loop pattern: its own arrivals over `durationMs`, preceded by a warm-up of
 * `warmupMs` at the pattern's starting rate (drawn from a separate stream, so it never shifts the measured
 * arrivals).
 */
export function generateSchedule(pattern: OpenLoopPattern, options: ScheduleOptions): Schedule {
  const { durationMs, seed } = options;
  const warmupMs = options.warmupMs ?? 0;
  if (!Number.isFinite(durationMs) || durationMs <= 0) throw new ServelabError(`duration must be positive, but got ${durationMs} ms`);
  if (!Number.isFinite(warmupMs) || warmupMs < 0) throw new ServelabError(`warm-up must be zero or positive, but got ${warmupMs} ms`);
  const measured = patternArrivals(pattern, durationMs, seed);
  const warmup = warmupMs > 0 ? warmupArrivals(pattern, warmupMs, durationMs, seed) : [];
  const offsetsMs = new Float64Array(warmup.length + measured.length);
  offsetsMs.set(warmup, 0);
  for (let i = 0; i < measured.length; i++) offsetsMs[warmup.length + i] = warmupMs + measured[i]!;
  return { offsetsMs, warmupCount: warmup.length, measureStartMs: warmupMs, endMs: warmupMs + durationMs };
}

function patternArrivals(pattern: OpenLoopPattern, durationMs: number, seed: number): number[] {
  if (pattern.type === 'trace') return pattern.offsetsMs.filter((offset) => offset < durationMs);
  const segments = rateSegments(pattern, durationMs);
  checkBound(segments, 'the pattern');
  const process = pattern.type === 'constant' ? 'uniform' : pattern.type === 'poisson' ? 'poisson' : pattern.arrivals;
  return arrivalsFromProfile(segments, process, createRng(seed, 'load-schedule'), MAX_SCHEDULED_REQUESTS);
}

function warmupArrivals(pattern: OpenLoopPattern, warmupMs: number, durationMs: number, seed: number): number[] {
  let rateRps: number;
  let process: 'uniform' | 'poisson';
  if (pattern.type === 'trace') {
    rateRps = (pattern.offsetsMs.filter((offset) => offset < durationMs).length / durationMs) * 1000;
    process = 'uniform';
  } else {
    rateRps = rateSegments(pattern, durationMs)[0]?.startRps ?? 0;
    process = pattern.type === 'constant' ? 'uniform' : pattern.type === 'poisson' ? 'poisson' : pattern.arrivals;
  }
  const segments: RateSegment[] = [{ startMs: 0, endMs: warmupMs, startRps: rateRps, endRps: rateRps }];
  checkBound(segments, 'the warm-up');
  return arrivalsFromProfile(segments, process, createRng(seed, 'load-schedule-warmup'), MAX_SCHEDULED_REQUESTS);
}

function checkBound(segments: readonly RateSegment[], what: string): void {
  const expected = expectedArrivals(segments);
  if (expected > MAX_SCHEDULED_REQUESTS) {
    throw new ServelabError(
      `${what} would schedule about ${Math.round(expected)} requests, more than the limit of ${MAX_SCHEDULED_REQUESTS}; lower the rate or the duration`,
    );
  }
}
