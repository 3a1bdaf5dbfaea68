/**
 * Time-varying arrival rates as piecewise-linear segments, and the arrivals they produce: arrival k happens
 * where the integrated rate Λ(t) reaches S_k, with S_k = k (evenly spaced) or a sum of Exp(1) draws (a
 * non-homogeneous Poisson process by time change). Inverting Λ on a linear segment is exact (a quadratic).
 */
import type { Rng } from '../core/random.js';
import type { ArrivalProcess, OpenLoopPattern } from './pattern.js';

export interface RateSegment {
  readonly startMs: number;
  readonly endMs: number;
  readonly startRps: number;
  readonly endRps: number;
}

/** Sinusoids are followed with linear pieces this long at most (and at least 64 per period). */
const SINE_PIECE_MS = 50;

export function rateSegments(pattern: Exclude<OpenLoopPattern, { type: 'trace' }>, durationMs: number): RateSegment[] {
  switch (pattern.type) {
    case 'constant':
    case 'poisson':
      return [{ startMs: 0, endMs: durationMs, startRps: pattern.rateRps, endRps: pattern.rateRps }];
    case 'step': {
      const segments: RateSegment[] = [];
      let startMs = 0;
      for (const step of pattern.steps) {
        const endMs = Math.min(durationMs, startMs + step.durationMs);
        if (endMs > startMs) segments.push({ startMs, endMs, startRps: step.rateRps, endRps: step.rateRps });
        startMs = endMs;
      }
      return segments;
    }
    case 'ramp':
      return [{ startMs: 0, endMs: durationMs, startRps: pattern.fromRps, endRps: pattern.toRps }];
    case 'spike': {
      const spikeEndMs = Math.min(durationMs, pattern.spikeAtMs + pattern.spikeDurationMs);
      const spikeStartMs = Math.min(durationMs, pattern.spikeAtMs);
      const pieces: RateSegment[] = [
        { startMs: 0, endMs: spikeStartMs, startRps: pattern.baseRps, endRps: pattern.baseRps },
        { startMs: spikeStartMs, endMs: spikeEndMs, startRps: pattern.spikeRps, endRps: pattern.spikeRps },
        { startMs: spikeEndMs, endMs: durationMs, startRps: pattern.baseRps, endRps: pattern.baseRps },
      ];
      return pieces.filter((piece) => piece.endMs > piece.startMs);
    }
    case 'sinusoidal': {
      const pieceMs = Math.min(SINE_PIECE_MS, pattern.periodMs / 64);
      const rateAt = (tMs: number): number => pattern.meanRps + pattern.amplitudeRps * Math.sin((2 * Math.PI * tMs) / pattern.periodMs);
      const segments: RateSegment[] = [];
      for (let startMs = 0; startMs < durationMs; startMs += pieceMs) {
        const endMs = Math.min(durationMs, startMs + pieceMs);
        segments.push({ startMs, endMs, startRps: Math.max(0, rateAt(startMs)), endRps: Math.max(0, rateAt(endMs)) });
      }
      return segments;
    }
  }
}

/** Expected number of arrivals in a segment (its integrated rate). */
export function segmentMass(segment: RateSegment): number {
  return (((segment.startRps + segment.endRps) / 2) * (segment.endMs - segment.startMs)) / 1000;
}

/** Expected arrivals over the whole profile, used to bound schedules before generating them. */
export function expectedArrivals(segments: readonly RateSegment[]): number {
  return segments.reduce((total, segment) => total + segmentMass(segment), 0);
}

/** Arrival offsets (ms, ascending) for the profile; `limit` bounds the count so generation always ends. */
export function arrivalsFromProfile(segments: readonly RateSegment[], process: ArrivalProcess, rng: Rng, limit: number): number[] {
  const offsets: number[] = [];
  let target = process === 'poisson' ? -Math.log(1 - rng.next()) : 0;
  let massBefore = 0;
  for (const segment of segments) {
    const mass = segmentMass(segment);
    const lengthMs = segment.endMs - segment.startMs;
    // Rates per ms: a at the segment start, slope b per ms.
    const a = segment.startRps / 1000;
    const b = (segment.endRps - segment.startRps) / 1000 / lengthMs;
    while (target < massBefore + mass && offsets.length < limit) {
      const within = target - massBefore;
      // Solves a·τ + b·τ²/2 = within in the form that stays stable for b = 0 and b < 0.
      const tau = within === 0 ? 0 : (2 * within) / (a + Math.sqrt(Math.max(0, a * a + 2 * b * within)));
      offsets.push(segment.startMs + Math.min(tau, lengthMs));
      target += process === 'poisson' ? -Math.log(1 - rng.next()) : 1;
    }
    massBefore += mass;
  }
  return offsets;
}
