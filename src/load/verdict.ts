/**
 * VALID or INVALID with the reasons, in the spirit of MLPerf LoadGen: a run is valid when it measured what
 * was asked (every request sent, enough requests behind p99, a stable steady state, a generator that kept
 * up) and the target met the bounds given (error rate, optional p99 latency bound).
 */
import { verdictReason, type VerdictReason } from '../core/verdict-reason.js';
import type { PercentileSupport } from './percentile-support.js';
import type { Stability } from './stability.js';

export interface RunFacts {
  readonly completed: number;
  readonly requests: number;
  readonly errors: number;
  readonly dropped: number;
  readonly inFlightCap: number | null;
  readonly stability: Stability;
  readonly p99Support: PercentileSupport;
  readonly p99Ms: number | null;
  readonly latencyBoundMs: number | null;
  readonly maxErrorRate: number;
  readonly generatorWarnings: readonly string[];
}

export function judgeRun(facts: RunFacts): { valid: boolean; reasons: VerdictReason[] } {
  const reasons: VerdictReason[] = [];
  if (facts.completed === 0) reasons.push(verdictReason('no-completions', 'no request completed successfully'));
  reasons.push(...stabilityReasons(facts.stability));
  if (facts.completed > 0 && !facts.p99Support.supported) {
    reasons.push(verdictReason('p99-unsupported', `p99 is backed by ${facts.p99Support.samples} requests; at least ${facts.p99Support.required} are needed (MLPerf LoadGen's rule)`));
  }
  if (facts.dropped > 0) {
    reasons.push(verdictReason('dropped', `${facts.dropped} requests were dropped at the in-flight cap${facts.inFlightCap === null ? '' : ` of ${facts.inFlightCap}`}: the offered load was not delivered`));
  }
  const attempted = facts.requests;
  if (attempted > 0 && facts.errors / attempted > facts.maxErrorRate) {
    reasons.push(verdictReason('error-rate', `error rate ${((facts.errors / attempted) * 100).toFixed(2)}% exceeds ${(facts.maxErrorRate * 100).toFixed(2)}%`));
  }
  if (facts.latencyBoundMs !== null && facts.p99Ms !== null && facts.p99Ms > facts.latencyBoundMs) {
    reasons.push(verdictReason('latency-bound', `p99 latency ${facts.p99Ms} ms exceeds the bound of ${facts.latencyBoundMs} ms`));
  }
  for (const warning of facts.generatorWarnings) reasons.push(verdictReason('self-check', `self-check: ${warning}`));
  return { valid: reasons.length === 0, reasons };
}

/**
 * An unsteady run's reasons. A target that answered too few of its scheduled requests gets its own code: that is the
 * configuration's outcome at this load, where the other reasons (sends behind, latency drift) may be a disturbance.
 */
function stabilityReasons(stability: Stability): VerdictReason[] {
  if (stability.state !== 'unstable') return [];
  const targetBehind = stability.rule === 'open-loop-schedule' ? stability.schedule?.targetBehind : null;
  if (!targetBehind || stability.rule !== 'open-loop-schedule') return [verdictReason('unstable', `UNSTABLE: ${stability.reason}`)];
  const others = [...(stability.schedule?.reasons ?? []).filter((reason) => reason !== targetBehind), ...(stability.latency?.reasons ?? [])];
  return [verdictReason('target-behind', targetBehind), ...(others.length > 0 ? [verdictReason('unstable', `UNSTABLE: ${others.join('; ')}`)] : [])];
}
