/**
 * The demo's trials are short (seconds, to fit ten minutes on two cores). The run's verdict is built for full
 * studies: perf_analyzer's steady-state rule (the last three measurement windows within ±10% on throughput and
 * p99) and MLPerf LoadGen's minimum query count behind a p99 (662). Windows of a few hundred milliseconds and a
 * few hundred requests per trial rarely meet either. Rather than report nothing, the demo analyses trials whose
 * only faults are those two rules, and says so at the top of the report. Trials invalid for any other reason
 * (dropped requests, errors, a load generator that fell behind its schedule) stay excluded.
 */
import type { TrialRow } from '../core/trial.js';
import type { ResultsStore } from '../store/types.js';

export interface AcceptedRows {
  readonly rows: TrialRow[];
  /** Rows the verdict marked invalid only for an unsteady state or too few requests behind p99, now analysed. */
  readonly acceptedShort: number;
  readonly invalidOtherwise: number;
}

const SHORT_TRIAL_REASONS = [/^UNSTABLE: /, /^p99 is backed by \d+ requests/];

export function acceptShortTrialRows(store: ResultsStore, studyIds: readonly string[]): AcceptedRows {
  let acceptedShort = 0;
  let invalidOtherwise = 0;
  const rows = studyIds.flatMap((studyId) =>
    store.trials(studyId).map((trial) => {
      const row = trial.row;
      if (row.state !== 'completed' || row.valid) return row;
      const reasons = trial.measurement?.verdictReasons ?? [];
      if (reasons.length > 0 && reasons.every((reason) => SHORT_TRIAL_REASONS.some((pattern) => pattern.test(reason)))) {
        acceptedShort += 1;
        return { ...row, valid: true };
      }
      invalidOtherwise += 1;
      return row;
    }),
  );
  return { rows, acceptedShort, invalidOtherwise };
}
