/**
 * Is a run's steady state steady? Each kind of load gets a rule that fits it:
 *
 * - closed loop keeps perf_analyzer's rule: the last 3 measurement windows must agree within ±10%
 *   (max/min <= 1.1) on throughput and on p99 latency; a window without completions is unstable. A closed
 *   loop sets its own pace, so its window throughput carries no arrival-count noise to allow for.
 * - open loop (constant, poisson) is judged against its own schedule (schedule-adherence.ts) and its latency
 *   with tests that allow for each window's request count (latency-drift.ts): the ±10% rule would fail a
 *   steady Poisson run whose 800 ms windows hold 64 arrivals (their counts alone vary by ±12.5%).
 * - patterns whose rate changes on purpose (step, ramp, spike, sinusoidal, trace) are not judged.
 */
import type { Histogram } from './histogram.js';
import { judgeLatencyDrift, type LatencyDrift } from './latency-drift.js';
import type { PatternType } from './pattern.js';
import { judgeScheduleAdherence, type ScheduleAdherence } from './schedule-adherence.js';

export const STABILITY_WINDOWS = 3;
export const STABILITY_TOLERANCE = 0.1;

export interface WindowPoint {
  readonly achievedRps: number;
  readonly p99Ms: number | null;
}

/** What one measurement window saw, for either rule. */
export interface WindowObservation extends WindowPoint {
  /** Open loop: arrivals the schedule put in the window. */
  readonly scheduled: number;
  /** Open loop: measured requests that actually left within the window. */
  readonly sent: number;
  /** Latency (from the scheduled send) of the requests completed in the window. */
  readonly latency: Histogram;
  /** False for a trailing window shorter than half the others (too short for the closed-loop rule). */
  readonly full: boolean;
}

export type StabilityRule = 'last-windows-spread' | 'open-loop-schedule';

export type Stability =
  | { readonly state: 'stable'; readonly rule?: 'last-windows-spread'; readonly throughputSpread: number; readonly p99Spread: number }
  | { readonly state: 'stable'; readonly rule: 'open-loop-schedule'; readonly schedule: ScheduleAdherence; readonly latency: LatencyDrift }
  | {
      readonly state: 'unstable';
      readonly rule?: 'last-windows-spread';
      readonly throughputSpread: number | null;
      readonly p99Spread: number | null;
      readonly reason: string;
    }
  | {
      readonly state: 'unstable';
      readonly rule: 'open-loop-schedule';
      readonly schedule: ScheduleAdherence | null;
      readonly latency: LatencyDrift | null;
      readonly reason: string;
    }
  | { readonly state: 'not-applicable'; readonly reason: string };

const STATIONARY_OPEN: readonly PatternType[] = ['constant', 'poisson'];

/** max/min − 1 over the values, or null when any is zero or missing. */
function spread(values: readonly (number | null)[]): number | null {
  if (values.some((value) => value === null || value <= 0)) return null;
  const numbers = values as number[];
  return Math.max(...numbers) / Math.min(...numbers) - 1;
}

/**
 * Judges a run from its windows. `completedInRun` counts successful completions within the measured
 * duration (the open-loop rule compares it with the schedule).
 */
export function judgeStability(patternType: PatternType, windows: readonly WindowObservation[], completedInRun: number): Stability {
  if (patternType === 'closed') return judgeLastWindows(windows.filter((window) => window.full));
  if (STATIONARY_OPEN.includes(patternType)) return judgeOpenLoop(windows, completedInRun);
  return { state: 'not-applicable', reason: `a ${patternType} pattern varies its rate on purpose; read its per-window series instead` };
}

function judgeOpenLoop(windows: readonly WindowObservation[], completedInRun: number): Stability {
  const rule = 'open-loop-schedule' as const;
  if (windows.length < STABILITY_WINDOWS) {
    return { state: 'unstable', rule, schedule: null, latency: null, reason: `only ${windows.length} measurement window(s); ${STABILITY_WINDOWS} are needed` };
  }
  const schedule = judgeScheduleAdherence(windows, completedInRun);
  const latency = judgeLatencyDrift(windows.map((window) => window.latency));
  const reasons = [...schedule.reasons, ...latency.reasons];
  if (reasons.length > 0) return { state: 'unstable', rule, schedule, latency, reason: reasons.join('; ') };
  return { state: 'stable', rule, schedule, latency };
}

/** perf_analyzer's rule over the last 3 windows. */
export function judgeLastWindows(windows: readonly WindowPoint[]): Stability {
  const rule = 'last-windows-spread' as const;
  if (windows.length < STABILITY_WINDOWS) {
    return { state: 'unstable', rule, throughputSpread: null, p99Spread: null, reason: `only ${windows.length} measurement window(s); ${STABILITY_WINDOWS} are needed` };
  }
  const last = windows.slice(-STABILITY_WINDOWS);
  const throughputSpread = spread(last.map((window) => window.achievedRps));
  const p99Spread = spread(last.map((window) => window.p99Ms));
  const limit = `±${STABILITY_TOLERANCE * 100}%`;
  if (throughputSpread === null) return { state: 'unstable', rule, throughputSpread, p99Spread, reason: 'a window in the last 3 completed no requests' };
  if (p99Spread === null) return { state: 'unstable', rule, throughputSpread, p99Spread, reason: 'a window in the last 3 has no latency' };
  if (throughputSpread > STABILITY_TOLERANCE) {
    return { state: 'unstable', rule, throughputSpread, p99Spread, reason: `throughput of the last 3 windows varies by ${(throughputSpread * 100).toFixed(1)}% (limit ${limit})` };
  }
  if (p99Spread > STABILITY_TOLERANCE) {
    return { state: 'unstable', rule, throughputSpread, p99Spread, reason: `p99 of the last 3 windows varies by ${(p99Spread * 100).toFixed(1)}% (limit ${limit})` };
  }
  return { state: 'stable', rule, throughputSpread, p99Spread };
}
