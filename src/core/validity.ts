/**
 * The study's `validity` settings and the words for them: how much hypervisor steal a trial may suffer, and
 * which INVALID verdicts a disturbance of the machine explains, so that measuring the trial again is the fix
 * rather than a second chance for a configuration that failed on its own.
 */
import type { VerdictReason, VerdictReasonCode } from './verdict-reason.js';

/** A trial whose CPUs lost more than this share of their time to the hypervisor is INVALID (steal in /proc/stat). */
export const DEFAULT_MAX_CPU_STEAL = 0.05;

/** How many more times a disturbed trial is measured before its INVALID verdict stands. */
export const DEFAULT_REMEASURE = 2;

/**
 * Codes a disturbance explains: the generator's schedule lag (self-check), an unsteady run (latency drift or sends
 * falling behind) and steal over the limit. Not among them: a target that did not keep up with its load, too few
 * requests, drops, errors, bounds and constraints — the configuration's own outcome, the same the next time.
 */
export const DISTURBANCE_CODES: ReadonlySet<VerdictReasonCode> = new Set<VerdictReasonCode>(['self-check', 'unstable', 'machine']);

/** True when a verdict is INVALID for disturbance reasons alone. */
export function onlyDisturbed(valid: boolean, reasons: readonly VerdictReason[]): boolean {
  return !valid && reasons.length > 0 && reasons.every((reason) => DISTURBANCE_CODES.has(reason.code));
}
