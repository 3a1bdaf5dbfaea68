/**
 * An open-loop run judged against its own schedule, which is known before the run: how many arrivals each
 * window was scheduled to have, how many actually left within it, and how many requests the target answered
 * within the run. The schedule's own count is the reference, so the ±1/sqrt(n) spread of Poisson counts
 * (±12.5% for 64 arrivals) is no longer mistaken for an unsteady run.
 *
 * - Overall, at least 95% of the scheduled arrivals must have left within the run and at least 95% must
 *   have been answered within it (the same share the capacity search asks of a step).
 * - Per window, the arrivals that left are tested against H0 "the window delivered at least 95% of its
 *   schedule" with the exact binomial lower tail P(Binomial(scheduled, 0.95) ≤ sent); a window is far behind
 *   when that tail is below 1% / windows (Bonferroni). A window of 20 arrivals may thus fall 4 behind
 *   unremarked, one of 2,000 only about 60.
 */
import { binomialLowerTail } from './count-tests.js';

export const MIN_DELIVERED_SHARE = 0.95;
export const BEHIND_FAMILY_ALPHA = 0.01;

export interface WindowSchedule {
  /** Arrivals the schedule put in the window. */
  readonly scheduled: number;
  /** Those that actually left within the window. */
  readonly sent: number;
}

export interface WindowBehind {
  readonly window: number;
  readonly scheduled: number;
  readonly sent: number;
  readonly pValue: number;
}

export interface ScheduleAdherence {
  readonly scheduled: number;
  /** Share of the scheduled arrivals that left within the run. */
  readonly sentShare: number;
  /** Share of the scheduled arrivals answered successfully within the run. */
  readonly completedShare: number;
  readonly windowsBehind: readonly WindowBehind[];
  /** The reason, among `reasons`, that says the target answered too few requests: its own outcome, not a disturbance. */
  readonly targetBehind: string | null;
  readonly reasons: readonly string[];
}

const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;

export function judgeScheduleAdherence(windows: readonly WindowSchedule[], completedInRun: number): ScheduleAdherence {
  const scheduled = windows.reduce((total, window) => total + window.scheduled, 0);
  const sent = windows.reduce((total, window) => total + window.sent, 0);
  const sentShare = scheduled > 0 ? sent / scheduled : 0;
  const completedShare = scheduled > 0 ? completedInRun / scheduled : 0;
  const reasons: string[] = [];
  let targetBehind: string | null = null;
  if (scheduled === 0) reasons.push('the schedule held no measured arrivals');
  else {
    if (sentShare < MIN_DELIVERED_SHARE) {
      reasons.push(`only ${sent} of ${scheduled} scheduled arrivals (${percent(sentShare)}) left within the run; at least ${percent(MIN_DELIVERED_SHARE)} must`);
    }
    if (completedShare < MIN_DELIVERED_SHARE) {
      targetBehind = `the target answered ${completedInRun} of ${scheduled} scheduled requests (${percent(completedShare)}) within the run; at least ${percent(MIN_DELIVERED_SHARE)} must: it did not keep up with the offered rate`;
      reasons.push(targetBehind);
    }
  }
  const alpha = BEHIND_FAMILY_ALPHA / Math.max(1, windows.length);
  const windowsBehind: WindowBehind[] = [];
  windows.forEach((window, index) => {
    if (window.scheduled === 0) return;
    const pValue = binomialLowerTail(window.sent, window.scheduled, MIN_DELIVERED_SHARE);
    if (pValue <= alpha) windowsBehind.push({ window: index, scheduled: window.scheduled, sent: window.sent, pValue });
  });
  for (const behind of windowsBehind) {
    reasons.push(
      `window ${behind.window + 1} sent ${behind.sent} of its ${behind.scheduled} scheduled arrivals; ` +
        `P(≤ ${behind.sent} | Binomial(${behind.scheduled}, ${MIN_DELIVERED_SHARE})) = ${behind.pValue.toExponential(1)} ≤ ${alpha.toPrecision(2)}: the generator fell behind its schedule`,
    );
  }
  return { scheduled, sentShare, completedShare, windowsBehind, targetBehind, reasons };
}
