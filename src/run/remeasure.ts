/**
 * A trial measured until its verdict stands. A measurement INVALID only because the machine was disturbed
 * (hypervisor steal over the limit, sends late, latency drifting: core/validity.ts) is not the configuration's
 * result, so it is kept as an earlier attempt and the trial is measured again at once on the same warm server, up
 * to the study's `validity.remeasure` times (perf_analyzer likewise measures again until its windows are stable).
 * The rules are never relaxed: the last measurement is the trial's, VALID or not, and every discarded one stays in
 * the store (`servelab status` counts them as "remeasured").
 */
import { onlyDisturbed } from '../core/validity.js';
import type { TrialMeasurement } from '../store/types.js';

export interface RemeasurePolicy {
  /** Extra measurements allowed after the first. */
  readonly remeasure: number;
  /** Keeps a disturbed measurement as an earlier attempt and starts the next; false when the trial can't go on. */
  readonly discard: (disturbed: TrialMeasurement) => Promise<boolean>;
}

export async function measureUntilUndisturbed(measure: () => Promise<TrialMeasurement>, policy: RemeasurePolicy): Promise<TrialMeasurement> {
  let measurement = await measure();
  for (let extra = 0; extra < policy.remeasure && onlyDisturbed(measurement.valid, measurement.verdictReasons ?? []); extra++) {
    if (!(await policy.discard(measurement))) break;
    measurement = await measure();
  }
  return measurement;
}
