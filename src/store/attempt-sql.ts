/**
 * The history of attempts, in SQL both backends run (`?` placeholders; PostgreSQL's store numbers them). A
 * trial row holds its latest attempt; trial_attempts keeps each one, so a retried trial's earlier failures
 * stay queryable.
 */
import type { FailureKind } from '../core/trial.js';
import type { TrialAttempt } from './types.js';

const ATTEMPT_COLUMNS = 'trial_id, study_id, attempt, state, valid, failure_kind, reason, started_at, finished_at, metrics_json';

/** Copies a trial's outcome into its attempt row (a later outcome of the same attempt replaces it). */
export const RECORD_FINISHED_ATTEMPT_SQL = `
  INSERT INTO trial_attempts (${ATTEMPT_COLUMNS})
  SELECT t.trial_id, t.study_id, t.attempt, t.state, t.valid, t.failure_kind, t.reason, t.started_at, t.finished_at, m.metrics_json
  FROM trials t LEFT JOIN measurements m ON m.trial_id = t.trial_id
  WHERE t.trial_id = ? AND t.attempt > 0 AND t.state IN ('completed', 'failed')
  ON CONFLICT (trial_id, attempt) DO UPDATE SET state = excluded.state, valid = excluded.valid, failure_kind = excluded.failure_kind,
    reason = excluded.reason, finished_at = excluded.finished_at, metrics_json = excluded.metrics_json`;

/**
 * A running trial's measurement set aside to be measured again (run/remeasure.ts): kept as a completed, INVALID
 * attempt with its reasons and metrics; the trial itself stays running and its next start is the next attempt.
 */
export const RECORD_DISCARDED_ATTEMPT_SQL = `
  INSERT INTO trial_attempts (${ATTEMPT_COLUMNS})
  SELECT trial_id, study_id, attempt, 'completed', 0, NULL, ?, started_at, ?, ? FROM trials WHERE trial_id = ? AND state = 'running' AND attempt > 0
  ON CONFLICT (trial_id, attempt) DO NOTHING`;

/** A trial found running when it is started again: its previous runner stopped midway. */
export const RECORD_INTERRUPTED_ATTEMPT_SQL = `
  INSERT INTO trial_attempts (trial_id, study_id, attempt, state, started_at)
  SELECT trial_id, study_id, attempt, 'interrupted', started_at FROM trials WHERE trial_id = ? AND state = 'running' AND attempt > 0
  ON CONFLICT (trial_id, attempt) DO NOTHING`;

/** Version 3 migration: the finished attempts known before the table existed. */
export const BACKFILL_ATTEMPTS_SQL = `
  INSERT INTO trial_attempts (${ATTEMPT_COLUMNS})
  SELECT t.trial_id, t.study_id, t.attempt, t.state, t.valid, t.failure_kind, t.reason, t.started_at, t.finished_at, m.metrics_json
  FROM trials t LEFT JOIN measurements m ON m.trial_id = t.trial_id
  WHERE t.attempt > 0 AND t.state IN ('completed', 'failed')
  ON CONFLICT (trial_id, attempt) DO NOTHING`;

export const LIST_ATTEMPTS_SQL = `
  SELECT a.* FROM trial_attempts a JOIN trials t ON t.trial_id = a.trial_id
  WHERE a.study_id = ? ORDER BY t.sequence, a.attempt`;

/** The failed trials of a study, or of some failure kinds (a failure without a kind counts as a crash). */
function failedTrialsWhere(kinds: readonly FailureKind[] | undefined): string {
  const byKind = kinds === undefined ? '' : ` AND COALESCE(failure_kind, 'crash') IN (${kinds.map(() => '?').join(', ')})`;
  return `study_id = ? AND state = 'failed'${byKind}`;
}

/** Statements (with their parameters) that plan failed trials again; the attempt counter goes on from where it was. */
export function retryFailedStatements(studyId: string, kinds: readonly FailureKind[] | undefined): { readonly sql: string; readonly params: readonly unknown[] }[] {
  const where = failedTrialsWhere(kinds);
  const params = [studyId, ...(kinds ?? [])];
  return [
    { sql: `DELETE FROM measurements WHERE trial_id IN (SELECT trial_id FROM trials WHERE ${where})`, params },
    {
      sql: `UPDATE trials SET state = 'planned', valid = NULL, failure_kind = NULL, reason = NULL, started_at = NULL, finished_at = NULL WHERE ${where}`,
      params,
    },
  ];
}

export function attemptFromRow(row: Record<string, unknown>): TrialAttempt {
  const text = (value: unknown): string | undefined => (value === null || value === undefined ? undefined : String(value));
  const startedAt = text(row.started_at);
  const finishedAt = text(row.finished_at);
  const metrics = text(row.metrics_json);
  return {
    trialId: String(row.trial_id),
    attempt: Number(row.attempt),
    state: String(row.state) as TrialAttempt['state'],
    valid: Number(row.valid) === 1,
    ...(row.state === 'failed' ? { failure: { kind: (text(row.failure_kind) ?? 'crash') as FailureKind, reason: text(row.reason) ?? 'failed' } } : {}),
    ...(row.state === 'completed' && text(row.reason) !== undefined ? { reason: text(row.reason) } : {}),
    metrics: metrics === undefined ? {} : (JSON.parse(metrics) as Record<string, number>),
    ...(startedAt === undefined ? {} : { startedAt }),
    ...(finishedAt === undefined ? {} : { finishedAt }),
  };
}
