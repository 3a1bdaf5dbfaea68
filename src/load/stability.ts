/**
 * perf_analyzer's stability rule: the last 3 measurement windows must agree within ±10% (max/min <= 1.1)
 * on throughput and on p99 latency; a window without completions is unstable. Patterns whose rate changes
 * on purpose (step, ramp, spike, sinusoidal, trace) are not judged by it.
 */
import type { PatternType } from './pattern.js';

export const STABILITY_WINDOWS = 3;
export const STABILITY_TOLERANCE = 0.1;

export interface WindowPoint {
  readonly achievedRps: number;
  readonly p99Ms: number | null;
}

export type Stability =
  | { readonly state: 'stable'; readonly throughputSpread: number; readonly p99Spread: number }
  | { readonly state: 'unstable'; readonly throughputSpread: number | null; readonly p99Spread: number | null; readonly reason: string }
  | { readonly state: 'not-applicable'; readonly reason: string };

const STATIONARY: readonly PatternType[] = ['constant', 'poisson', 'closed'];

/** max/min − 1 over the values, or null when any is zero or missing. */
function spread(values: readonly (number | null)[]): number | null {
  if (values.some((value) => value === null || value <= 0)) return null;
  const numbers = values as number[];
  return Math.max(...numbers) / Math.min(...numbers) - 1;
}

export function judgeStability(patternType: PatternType, windows: readonly WindowPoint[]): Stability {
  if (!STATIONARY.includes(patternType)) {
    return { state: 'not-applicable', reason: `a ${patternType} pattern varies its rate on purpose; read its per-window series instead` };
  }
  if (windows.length < STABILITY_WINDOWS) {
    return { state: 'unstable', throughputSpread: null, p99Spread: null, reason: `only ${windows.length} measurement window(s); ${STABILITY_WINDOWS} are needed` };
  }
  const last = windows.slice(-STABILITY_WINDOWS);
  const throughputSpread = spread(last.map((window) => window.achievedRps));
  const p99Spread = spread(last.map((window) => window.p99Ms));
  const limit = `±${STABILITY_TOLERANCE * 100}%`;
  if (throughputSpread === null) return { state: 'unstable', throughputSpread, p99Spread, reason: 'a window in the last 3 completed no requests' };
  if (p99Spread === null) return { state: 'unstable', throughputSpread, p99Spread, reason: 'a window in the last 3 has no latency' };
  if (throughputSpread > STABILITY_TOLERANCE) {
    return { state: 'unstable', throughputSpread, p99Spread, reason: `throughput of the last 3 windows varies by ${(throughputSpread * 100).toFixed(1)}% (limit ${limit})` };
  }
  if (p99Spread > STABILITY_TOLERANCE) {
    return { state: 'unstable', throughputSpread, p99Spread, reason: `p99 of the last 3 windows varies by ${(p99Spread * 100).toFixed(1)}% (limit ${limit})` };
  }
  return { state: 'stable', throughputSpread, p99Spread };
}
