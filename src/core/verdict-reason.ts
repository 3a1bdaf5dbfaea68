/**
 * Why a run or a trial is INVALID, as typed values: a code from one closed set (what went wrong, for grouping and
 * for code that reacts to it) and a message for people (what the CLI and the dashboard print). Nothing decides on
 * the message's wording.
 */

/** What each code means; the list of codes is its keys. */
export const VERDICT_REASON_MEANINGS = {
  'no-completions': 'no request completed successfully',
  unstable: 'the steady state was not steady (stability rule of the load pattern)',
  'target-behind': 'the target answered too few of its scheduled requests within the run: it did not keep up with the offered rate',
  'p99-unsupported': 'too few requests behind p99 (MLPerf LoadGen rule)',
  dropped: 'requests dropped at the in-flight cap: the offered load was not delivered',
  'error-rate': 'the error rate exceeded the maximum',
  'latency-bound': 'p99 latency exceeded the latency bound',
  'self-check': 'the load generator may have limited the run, not the target',
  constraint: "a study constraint on a metric was not met, or the metric was not measured",
  machine: 'the hypervisor took more of the CPUs\' time than the study allows (steal), or a note of it beside other reasons',
  unclassified: 'a reason stored by an earlier version, before reasons had codes',
} as const satisfies Record<string, string>;

export type VerdictReasonCode = keyof typeof VERDICT_REASON_MEANINGS;
export const VERDICT_REASON_CODES = Object.keys(VERDICT_REASON_MEANINGS) as readonly VerdictReasonCode[];

export interface VerdictReason {
  readonly code: VerdictReasonCode;
  /** The sentence printed for people. */
  readonly message: string;
}

export function verdictReason(code: VerdictReasonCode, message: string): VerdictReason {
  return { code, message };
}

export function isVerdictReasonCode(value: unknown): value is VerdictReasonCode {
  return typeof value === 'string' && Object.hasOwn(VERDICT_REASON_MEANINGS, value);
}

/** The messages alone, in order, for printing. */
export function reasonMessages(reasons: readonly VerdictReason[]): string[] {
  return reasons.map((reason) => reason.message);
}
