/**
 * The results store, written once for both backends: every operation of ResultsStore as SQL steps (sql-steps.ts)
 * over the tables of schema.ts. The rules live here only: a trial completes once, a failed one may run again with
 * its attempt counted, progress adds up, a lease changes hands only from the holder named. The two dialects differ
 * in locking alone (placeholders are the executor's business); both run the same `ON CONFLICT` upserts.
 */
import { ServelabError } from '../core/errors.js';
import { configurationKey } from '../core/space.js';
import type { FailureKind, TrialRow, TrialState } from '../core/trial.js';
import { attemptFromRow, LIST_ATTEMPTS_SQL, RECORD_DISCARDED_ATTEMPT_SQL, RECORD_FINISHED_ATTEMPT_SQL, RECORD_INTERRUPTED_ATTEMPT_SQL, retryFailedStatements } from './attempt-sql.js';
import { INSERT_LEASE_SQL, insertLeaseParams, leaseFromRow, RELEASE_LEASE_SQL, RENEW_LEASE_SQL, SELECT_LEASE_SQL, TAKE_OVER_LEASE_SQL, takeOverLeaseParams } from './lease-sql.js';
import { capacityFromRow, environmentFromRow, jsonOrNull, sortedConfiguration, storedTrialFromRow, studyFromRow, TRIAL_SELECT, trialRowFromDb, type TrialDbRow } from './row-mapping.js';
import { execute, select, type StoreSteps, type StoreWork } from './sql-steps.js';
import type { PlannedTrial, ResultsStore, StudyLeaseClaim, StudyProgress, StudyRecord, TrialFailureRecord, TrialMeasurement } from './types.js';

/** What the store's SQL must know about a database beyond the statements both run. */
export interface SqlDialect {
  /**
   * Appended to a read of the row a transaction is about to change, so concurrent writers queue on it
   * (PostgreSQL); empty where a writing transaction holds the whole database anyway (SQLite).
   */
  readonly forUpdate: string;
  /** A statement locking tables against concurrent writers for the rest of the transaction, where one is needed. */
  lockTables(tables: readonly string[]): string | undefined;
}

export type StoreMethod = Exclude<keyof ResultsStore, 'close'>;

/** Each store method as work to run: the same arguments, the synchronous interface's result type. */
export type StoreOperations = {
  readonly [K in StoreMethod]: (...args: Parameters<ResultsStore[K]>) => StoreWork<ReturnType<ResultsStore[K]>>;
};

const transaction = <T>(steps: StoreSteps<T>): StoreWork<T> => ({ inTransaction: true, steps });
const direct = <T>(steps: StoreSteps<T>): StoreWork<T> => ({ inTransaction: false, steps });

export function storeOperations(dialect: SqlDialect, now: () => Date): StoreOperations {
  const timestamp = (): string => now().toISOString();

  function* lock(...tables: string[]): StoreSteps<void> {
    const statement = dialect.lockTables(tables);
    if (statement !== undefined) yield* execute(statement);
  }

  function* study(studyId: string): StoreSteps<StudyRecord | undefined> {
    const [row] = yield* select<Record<string, unknown>>('SELECT * FROM studies WHERE study_id = ?', [studyId]);
    return row ? studyFromRow(row) : undefined;
  }

  function* openStudy(record: StudyRecord): StoreSteps<StudyRecord> {
    yield* lock('studies');
    const existing = yield* study(record.studyId);
    if (existing) {
      if (existing.definitionHash !== record.definitionHash) {
        throw new ServelabError(
          `the database already holds study '${record.studyId}' with a different definition; ` +
            `resume with the same study file, or give another --db (or another study name) for a changed study`,
        );
      }
      return existing;
    }
    yield* execute(
      `INSERT INTO studies (study_id, definition_hash, definition_json, source_text, seed, expected_trials, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [record.studyId, record.definitionHash, JSON.stringify(record.definition), record.sourceText ?? null, record.seed, record.expectedTrials ?? null, timestamp()],
    );
    return (yield* study(record.studyId))!;
  }

  function* planTrials(trials: readonly PlannedTrial[]): StoreSteps<void> {
    // Sequence numbers are counts per study: one planner at a time keeps them dense and ordered.
    yield* lock('configurations', 'trials');
    for (const trial of trials) {
      const key = configurationKey(trial.configuration);
      yield* execute(
        `INSERT INTO configurations (study_id, config_key, configuration_json, sequence)
         VALUES (?, ?, ?, (SELECT COUNT(*) FROM configurations WHERE study_id = ?)) ON CONFLICT DO NOTHING`,
        [trial.studyId, key, JSON.stringify(sortedConfiguration(trial.configuration)), trial.studyId],
      );
      yield* execute(
        `INSERT INTO trials (trial_id, study_id, config_key, model, workload, load, repetition, state, sequence)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'planned', (SELECT COUNT(*) FROM trials WHERE study_id = ?)) ON CONFLICT DO NOTHING`,
        [trial.trialId, trial.studyId, key, trial.context.model, trial.context.workload, trial.context.load, trial.repetition, trial.studyId],
      );
    }
  }

  function* startTrial(trialId: string): StoreSteps<number> {
    const [row] = yield* select<{ state: TrialState; attempt: number }>(`SELECT state, attempt FROM trials WHERE trial_id = ?${dialect.forUpdate}`, [trialId]);
    if (!row) throw new ServelabError(`unknown trial '${trialId}'`, 'internal');
    if (row.state === 'completed') throw new ServelabError(`trial '${trialId}' has already completed`, 'internal');
    const attempt = Number(row.attempt) + 1;
    yield* execute(RECORD_INTERRUPTED_ATTEMPT_SQL, [trialId]);
    yield* execute(`UPDATE trials SET state = 'running', attempt = ?, started_at = ?, finished_at = NULL WHERE trial_id = ?`, [attempt, timestamp(), trialId]);
    return attempt;
  }

  function* discardAttempt(trialId: string, measurement: TrialMeasurement): StoreSteps<boolean> {
    const reason = `measured again: ${(measurement.verdictReasons ?? []).map((verdict) => verdict.message).join('; ') || 'INVALID'}`;
    return (yield* execute(RECORD_DISCARDED_ATTEMPT_SQL, [reason, timestamp(), JSON.stringify(measurement.metrics), trialId])).changes === 1;
  }

  /** Completes or fails a trial once: a trial already completed keeps its result and nothing is written. */
  function* finish(trialId: string, state: 'completed' | 'failed', measurement: TrialMeasurement | undefined, failure: TrialFailureRecord | undefined): StoreSteps<boolean> {
    const [row] = yield* select<{ state: TrialState }>(`SELECT state FROM trials WHERE trial_id = ?${dialect.forUpdate}`, [trialId]);
    if (!row) throw new ServelabError(`unknown trial '${trialId}'`, 'internal');
    if (row.state === 'completed') return false;
    const valid = state === 'completed' ? (measurement?.valid ?? false) : false;
    yield* execute('UPDATE trials SET state = ?, valid = ?, failure_kind = ?, reason = ?, finished_at = ? WHERE trial_id = ?', [
      state,
      valid ? 1 : 0,
      failure?.kind ?? null,
      failure?.reason ?? (measurement?.verdictReasons?.map((reason) => reason.message).join('; ') || null),
      timestamp(),
      trialId,
    ]);
    if (measurement) {
      yield* execute(
        `INSERT INTO measurements (trial_id, metrics_json, verdict_json, client_json, server_json, energy_json, histograms_json, applied_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (trial_id) DO UPDATE SET metrics_json = excluded.metrics_json, verdict_json = excluded.verdict_json,
           client_json = excluded.client_json, server_json = excluded.server_json, energy_json = excluded.energy_json,
           histograms_json = excluded.histograms_json, applied_json = excluded.applied_json`,
        [
          trialId,
          JSON.stringify(measurement.metrics),
          JSON.stringify({ valid: measurement.valid, reasons: measurement.verdictReasons ?? [] }),
          jsonOrNull(measurement.client),
          jsonOrNull(measurement.server),
          jsonOrNull(measurement.energy),
          jsonOrNull(measurement.histograms),
          jsonOrNull(measurement.applied),
        ],
      );
    }
    yield* execute(RECORD_FINISHED_ATTEMPT_SQL, [trialId]);
    return true;
  }

  function* trialRows(studyId: string | undefined): StoreSteps<TrialRow[]> {
    const rows =
      studyId === undefined
        ? yield* select<TrialDbRow>(`${TRIAL_SELECT} ORDER BY t.study_id, t.sequence`)
        : yield* select<TrialDbRow>(`${TRIAL_SELECT} WHERE t.study_id = ? ORDER BY t.sequence`, [studyId]);
    return rows.map((row) => trialRowFromDb(row));
  }

  function* progress(studyId: string): StoreSteps<StudyProgress> {
    const found = yield* study(studyId);
    if (!found) throw new ServelabError(`no study '${studyId}' in this store`, 'not-found');
    const byState = yield* select<{ state: TrialState; n: number | string }>('SELECT state, COUNT(*) AS n FROM trials WHERE study_id = ? GROUP BY state', [studyId]);
    // PostgreSQL returns counts as text (64-bit); SQLite as numbers.
    const counts = Object.fromEntries(byState.map((r) => [r.state, Number(r.n)])) as Partial<Record<TrialState, number>>;
    const recorded = (counts.planned ?? 0) + (counts.running ?? 0) + (counts.completed ?? 0) + (counts.failed ?? 0);
    const planned = Math.max(found.expectedTrials ?? recorded, recorded);
    const completed = counts.completed ?? 0;
    const failed = counts.failed ?? 0;
    const [configurations] = yield* select<{ n: number | string }>('SELECT COUNT(*) AS n FROM configurations WHERE study_id = ?', [studyId]);
    return { studyId, planned, completed, failed, running: counts.running ?? 0, remaining: planned - completed - failed, configurations: Number(configurations?.n ?? 0) };
  }

  function* retryFailedTrials(studyId: string, kinds: readonly FailureKind[] | undefined): StoreSteps<number> {
    let retried = 0;
    for (const { sql, params } of retryFailedStatements(studyId, kinds)) retried = (yield* execute(sql, params)).changes;
    return retried; // the last statement re-plans the trials
  }

  function* claimStudyLease(claim: StudyLeaseClaim, replacing: string | undefined): StoreSteps<boolean> {
    // Each statement is atomic on its own (lease-sql.ts); no transaction is needed around them.
    const at = timestamp();
    if ((yield* execute(INSERT_LEASE_SQL, insertLeaseParams(claim, at))).changes === 1) return true;
    return replacing !== undefined && (yield* execute(TAKE_OVER_LEASE_SQL, takeOverLeaseParams(claim, at, replacing))).changes === 1;
  }

  return {
    openStudy: (record) => transaction(openStudy(record)),
    setExpectedTrials: (studyId, expectedTrials) => direct(discard(execute('UPDATE studies SET expected_trials = ? WHERE study_id = ?', [expectedTrials, studyId]))),
    studies: () => direct(mapRows(select<Record<string, unknown>>('SELECT * FROM studies ORDER BY created_at, study_id'), studyFromRow)),
    recordEnvironment: (studyId, environment) =>
      direct(
        discard(
          execute(
            `INSERT INTO environment (study_id, recorded_at, cpu_model, cores, memory_mb, os, node_version, ort_version, meter, details_json)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            [studyId, timestamp(), environment.cpuModel, environment.cores, Math.round(environment.memoryMb), environment.os, environment.nodeVersion, environment.ortVersion, environment.meter, JSON.stringify(environment.details)],
          ),
        ),
      ),
    environments: (studyId) => direct(mapRows(select<Record<string, unknown>>('SELECT * FROM environment WHERE study_id = ? ORDER BY recorded_at, environment_id', [studyId]), environmentFromRow)),
    // Planning nothing takes no lock.
    planTrials: (trials) => (trials.length === 0 ? direct(planTrials([])) : transaction(planTrials(trials))),
    startTrial: (trialId) => transaction(startTrial(trialId)),
    completeTrial: (trialId, measurement) => transaction(finish(trialId, 'completed', measurement, undefined)),
    failTrial: (trialId, failure, measurement) => transaction(finish(trialId, 'failed', measurement, failure)),
    discardAttempt: (trialId, measurement) => direct(discardAttempt(trialId, measurement)),
    trial: (trialId) => direct(firstRow(select<TrialDbRow>(`${TRIAL_SELECT} WHERE t.trial_id = ?`, [trialId]), storedTrialFromRow)),
    trials: (studyId) => direct(mapRows(select<TrialDbRow>(`${TRIAL_SELECT} WHERE t.study_id = ? ORDER BY t.sequence`, [studyId]), storedTrialFromRow)),
    trialRows: (studyId) => direct(trialRows(studyId)),
    progress: (studyId) => direct(progress(studyId)),
    capacity: (studyId, model, workload) =>
      direct(firstRow(select<Record<string, unknown>>('SELECT * FROM capacities WHERE study_id = ? AND model = ? AND workload = ?', [studyId, model, workload]), capacityFromRow)),
    capacities: (studyId) => direct(mapRows(select<Record<string, unknown>>('SELECT * FROM capacities WHERE study_id = ? ORDER BY model, workload', [studyId]), capacityFromRow)),
    saveCapacity: (studyId, capacity) =>
      direct(
        discard(
          execute(
            `INSERT INTO capacities (study_id, model, workload, capacity_rps, method, details_json) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (study_id, model, workload) DO UPDATE SET capacity_rps = excluded.capacity_rps, method = excluded.method, details_json = excluded.details_json`,
            [studyId, capacity.model, capacity.workload, capacity.capacityRps, capacity.method, jsonOrNull(capacity.details)],
          ),
        ),
      ),
    attempts: (studyId) => direct(mapRows(select<Record<string, unknown>>(LIST_ATTEMPTS_SQL, [studyId]), attemptFromRow)),
    retryFailedTrials: (studyId, kinds) => transaction(retryFailedTrials(studyId, kinds)),
    studyLease: (studyId) => direct(firstRow(select<Record<string, unknown>>(SELECT_LEASE_SQL, [studyId]), leaseFromRow)),
    claimStudyLease: (claim, replacing) => direct(claimStudyLease(claim, replacing)),
    renewStudyLease: (studyId, holderId) => direct(changedOne(execute(RENEW_LEASE_SQL, [timestamp(), studyId, holderId]))),
    releaseStudyLease: (studyId, holderId) => direct(discard(execute(RELEASE_LEASE_SQL, [studyId, holderId]))),
  };
}

function* mapRows<R, T>(rows: StoreSteps<R[]>, map: (row: R) => T): StoreSteps<T[]> {
  return (yield* rows).map(map);
}

function* firstRow<R, T>(rows: StoreSteps<R[]>, map: (row: R) => T): StoreSteps<T | undefined> {
  const [row] = yield* rows;
  return row === undefined ? undefined : map(row);
}

function* discard(steps: StoreSteps<unknown>): StoreSteps<void> {
  yield* steps;
}

function* changedOne(steps: StoreSteps<{ readonly changes: number }>): StoreSteps<boolean> {
  return (yield* steps).changes === 1;
}
