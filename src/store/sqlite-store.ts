/**
 * The embedded results store: one SQLite file (better-sqlite3), WAL journal, full sync. Each state change is
 * one transaction, so a process killed at any instant (kill -9) leaves every completed trial committed once
 * and at most a trial marked 'running', which a resumed run measures again.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { ServelabError } from '../core/errors.js';
import { configurationKey } from '../core/space.js';
import type { FailureKind, TrialRow, TrialState } from '../core/trial.js';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';
import { capacityFromRow, environmentFromRow, jsonOrNull, sortedConfiguration, storedTrialFromRow, studyFromRow, TRIAL_SELECT, type TrialDbRow } from './row-mapping.js';
import { attemptFromRow, LIST_ATTEMPTS_SQL, RECORD_FINISHED_ATTEMPT_SQL, RECORD_INTERRUPTED_ATTEMPT_SQL, retryFailedStatements } from './attempt-sql.js';
import { INSERT_LEASE_SQL, insertLeaseParams, leaseFromRow, RELEASE_LEASE_SQL, RENEW_LEASE_SQL, SELECT_LEASE_SQL, TAKE_OVER_LEASE_SQL, takeOverLeaseParams } from './lease-sql.js';
import { migrateStore } from './sqlite-migrate.js';
import { checkStoreFile, storeFileError, withFileErrors } from './sqlite-file-check.js';
import type {
  CapacityRecord,
  EnvironmentRecord,
  PlannedTrial,
  ResultsStore,
  StoredTrial,
  StudyLease,
  StudyLeaseClaim,
  StudyProgress,
  StudyRecord,
  TrialAttempt,
  TrialFailureRecord,
  TrialMeasurement,
} from './types.js';

// Kept importable from here for existing readers of the store's rows.
export { capacityFromRow, environmentFromRow, jsonOrNull, sortedConfiguration, storedTrialFromRow, studyFromRow, TRIAL_SELECT, type TrialDbRow } from './row-mapping.js';

export interface SqliteStoreOptions {
  /** Open an existing database only (export, status): a missing file is an error rather than a new database. */
  readonly mustExist?: boolean;
  readonly readonly?: boolean;
  readonly now?: () => Date;
}

export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): ResultsStore {
  if (options.mustExist && path !== ':memory:' && !existsSync(path)) {
    throw new ServelabError(`no study database at ${path}; expected a file written by 'servelab explore --db ${path}'`, 'not-found');
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.mustExist ?? false });
    db.pragma('busy_timeout = 10000');
    checkStoreFile(db, path, options.mustExist ?? false);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new ServelabError(`${path}: store schema version ${version}; this servelab reads version ${SCHEMA_VERSION}`);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.exec(SCHEMA_SQL);
      if (version === 0) db.pragma(`user_version = ${SCHEMA_VERSION}`);
      else if (version < SCHEMA_VERSION) migrateStore(db, version);
    }
  } catch (error) {
    db?.close();
    throw storeFileError(path, error);
  }
  return withFileErrors(new SqliteStore(db, options.now ?? (() => new Date())), path);
}

class SqliteStore implements ResultsStore {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date,
  ) {}

  #timestamp(): string {
    return this.now().toISOString();
  }

  openStudy(record: StudyRecord): StudyRecord {
    return this.db.transaction((): StudyRecord => {
      const existing = this.#study(record.studyId);
      if (existing) {
        if (existing.definitionHash !== record.definitionHash) {
          throw new ServelabError(
            `the database already holds study '${record.studyId}' with a different definition; ` +
              `resume with the same study file, or give another --db (or another study name) for a changed study`,
          );
        }
        return existing;
      }
      this.db
        .prepare(
          `INSERT INTO studies (study_id, definition_hash, definition_json, source_text, seed, expected_trials, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(record.studyId, record.definitionHash, JSON.stringify(record.definition), record.sourceText ?? null, record.seed, record.expectedTrials ?? null, this.#timestamp());
      return this.#study(record.studyId)!;
    })();
  }

  setExpectedTrials(studyId: string, expectedTrials: number): void {
    this.db.prepare('UPDATE studies SET expected_trials = ? WHERE study_id = ?').run(expectedTrials, studyId);
  }

  #study(studyId: string): StudyRecord | undefined {
    const row = this.db.prepare('SELECT * FROM studies WHERE study_id = ?').get(studyId) as Record<string, unknown> | undefined;
    return row ? studyFromRow(row) : undefined;
  }

  studies(): StudyRecord[] {
    return (this.db.prepare('SELECT * FROM studies ORDER BY created_at, study_id').all() as Record<string, unknown>[]).map(studyFromRow);
  }

  recordEnvironment(studyId: string, environment: EnvironmentRecord): void {
    this.db
      .prepare(
        `INSERT INTO environment (study_id, recorded_at, cpu_model, cores, memory_mb, os, node_version, ort_version, meter, details_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(studyId, this.#timestamp(), environment.cpuModel, environment.cores, Math.round(environment.memoryMb), environment.os, environment.nodeVersion, environment.ortVersion, environment.meter, JSON.stringify(environment.details));
  }

  environments(studyId: string): (EnvironmentRecord & { recordedAt: string })[] {
    const rows = this.db.prepare('SELECT * FROM environment WHERE study_id = ? ORDER BY recorded_at, environment_id').all(studyId) as Record<string, unknown>[];
    return rows.map(environmentFromRow);
  }

  planTrials(trials: readonly PlannedTrial[]): void {
    const insertConfiguration = this.db.prepare(
      `INSERT OR IGNORE INTO configurations (study_id, config_key, configuration_json, sequence)
       VALUES (?, ?, ?, (SELECT COUNT(*) FROM configurations WHERE study_id = ?))`,
    );
    const insertTrial = this.db.prepare(
      `INSERT OR IGNORE INTO trials (trial_id, study_id, config_key, model, workload, load, repetition, state, sequence)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'planned', (SELECT COUNT(*) FROM trials WHERE study_id = ?))`,
    );
    this.db.transaction(() => {
      for (const trial of trials) {
        const key = configurationKey(trial.configuration);
        insertConfiguration.run(trial.studyId, key, JSON.stringify(sortedConfiguration(trial.configuration)), trial.studyId);
        insertTrial.run(trial.trialId, trial.studyId, key, trial.context.model, trial.context.workload, trial.context.load, trial.repetition, trial.studyId);
      }
    })();
  }

  startTrial(trialId: string): number {
    return this.db.transaction((): number => {
      const row = this.db.prepare('SELECT state, attempt FROM trials WHERE trial_id = ?').get(trialId) as { state: TrialState; attempt: number } | undefined;
      if (!row) throw new ServelabError(`unknown trial '${trialId}'`, 'internal');
      if (row.state === 'completed') throw new ServelabError(`trial '${trialId}' has already completed`, 'internal');
      const attempt = row.attempt + 1;
      this.db.prepare(RECORD_INTERRUPTED_ATTEMPT_SQL).run(trialId);
      this.db.prepare(`UPDATE trials SET state = 'running', attempt = ?, started_at = ?, finished_at = NULL WHERE trial_id = ?`).run(attempt, this.#timestamp(), trialId);
      return attempt;
    })();
  }

  completeTrial(trialId: string, measurement: TrialMeasurement): boolean {
    return this.#finish(trialId, 'completed', measurement, undefined);
  }

  failTrial(trialId: string, failure: TrialFailureRecord, measurement?: TrialMeasurement): boolean {
    return this.#finish(trialId, 'failed', measurement, failure);
  }

  #finish(trialId: string, state: 'completed' | 'failed', measurement: TrialMeasurement | undefined, failure: TrialFailureRecord | undefined): boolean {
    return this.db.transaction((): boolean => {
      const row = this.db.prepare('SELECT state FROM trials WHERE trial_id = ?').get(trialId) as { state: TrialState } | undefined;
      if (!row) throw new ServelabError(`unknown trial '${trialId}'`, 'internal');
      if (row.state === 'completed') return false;
      const valid = state === 'completed' ? (measurement?.valid ?? false) : false;
      this.db
        .prepare(`UPDATE trials SET state = ?, valid = ?, failure_kind = ?, reason = ?, finished_at = ? WHERE trial_id = ?`)
        .run(state, valid ? 1 : 0, failure?.kind ?? null, failure?.reason ?? (measurement?.verdictReasons?.join('; ') || null), this.#timestamp(), trialId);
      if (measurement) {
        this.db
          .prepare(
            `INSERT OR REPLACE INTO measurements (trial_id, metrics_json, verdict_json, client_json, server_json, energy_json, histograms_json, applied_json)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            trialId,
            JSON.stringify(measurement.metrics),
            JSON.stringify({ valid: measurement.valid, reasons: measurement.verdictReasons ?? [] }),
            jsonOrNull(measurement.client),
            jsonOrNull(measurement.server),
            jsonOrNull(measurement.energy),
            jsonOrNull(measurement.histograms),
            jsonOrNull(measurement.applied),
          );
      }
      this.db.prepare(RECORD_FINISHED_ATTEMPT_SQL).run(trialId);
      return true;
    })();
  }

  trial(trialId: string): StoredTrial | undefined {
    const row = this.db.prepare(`${TRIAL_SELECT} WHERE t.trial_id = ?`).get(trialId) as TrialDbRow | undefined;
    return row ? storedTrialFromRow(row) : undefined;
  }

  trials(studyId: string): StoredTrial[] {
    return (this.db.prepare(`${TRIAL_SELECT} WHERE t.study_id = ? ORDER BY t.sequence`).all(studyId) as TrialDbRow[]).map(storedTrialFromRow);
  }

  trialRows(studyId?: string): TrialRow[] {
    const rows = studyId === undefined
      ? (this.db.prepare(`${TRIAL_SELECT} ORDER BY t.study_id, t.sequence`).all() as TrialDbRow[])
      : (this.db.prepare(`${TRIAL_SELECT} WHERE t.study_id = ? ORDER BY t.sequence`).all(studyId) as TrialDbRow[]);
    return rows.map((row) => storedTrialFromRow(row).row);
  }

  progress(studyId: string): StudyProgress {
    const counts = Object.fromEntries(
      (this.db.prepare('SELECT state, COUNT(*) AS n FROM trials WHERE study_id = ? GROUP BY state').all(studyId) as { state: TrialState; n: number }[]).map((r) => [r.state, r.n]),
    ) as Partial<Record<TrialState, number>>;
    const study = this.#study(studyId);
    if (!study) throw new ServelabError(`no study '${studyId}' in this database`, 'not-found');
    const recorded = (counts.planned ?? 0) + (counts.running ?? 0) + (counts.completed ?? 0) + (counts.failed ?? 0);
    const planned = Math.max(study.expectedTrials ?? recorded, recorded);
    const completed = counts.completed ?? 0;
    const failed = counts.failed ?? 0;
    const configurations = (this.db.prepare('SELECT COUNT(*) AS n FROM configurations WHERE study_id = ?').get(studyId) as { n: number }).n;
    return { studyId, planned, completed, failed, running: counts.running ?? 0, remaining: planned - completed - failed, configurations };
  }

  capacity(studyId: string, model: string, workload: string): CapacityRecord | undefined {
    const row = this.db.prepare('SELECT * FROM capacities WHERE study_id = ? AND model = ? AND workload = ?').get(studyId, model, workload) as Record<string, unknown> | undefined;
    return row ? capacityFromRow(row) : undefined;
  }

  capacities(studyId: string): CapacityRecord[] {
    return (this.db.prepare('SELECT * FROM capacities WHERE study_id = ? ORDER BY model, workload').all(studyId) as Record<string, unknown>[]).map(capacityFromRow);
  }

  saveCapacity(studyId: string, capacity: CapacityRecord): void {
    this.db
      .prepare('INSERT OR REPLACE INTO capacities (study_id, model, workload, capacity_rps, method, details_json) VALUES (?, ?, ?, ?, ?, ?)')
      .run(studyId, capacity.model, capacity.workload, capacity.capacityRps, capacity.method, jsonOrNull(capacity.details));
  }

  attempts(studyId: string): TrialAttempt[] {
    return (this.db.prepare(LIST_ATTEMPTS_SQL).all(studyId) as Record<string, unknown>[]).map(attemptFromRow);
  }

  retryFailedTrials(studyId: string, kinds?: readonly FailureKind[]): number {
    return this.db.transaction((): number => {
      let retried = 0;
      for (const { sql, params } of retryFailedStatements(studyId, kinds)) retried = this.db.prepare(sql).run(...params).changes;
      return retried; // the last statement re-plans the trials
    })();
  }

  studyLease(studyId: string): StudyLease | undefined {
    const row = this.db.prepare(SELECT_LEASE_SQL).get(studyId) as Record<string, unknown> | undefined;
    return row ? leaseFromRow(row) : undefined;
  }

  claimStudyLease(claim: StudyLeaseClaim, replacing?: string): boolean {
    const timestamp = this.#timestamp();
    if (this.db.prepare(INSERT_LEASE_SQL).run(...insertLeaseParams(claim, timestamp)).changes === 1) return true;
    return replacing !== undefined && this.db.prepare(TAKE_OVER_LEASE_SQL).run(...takeOverLeaseParams(claim, timestamp, replacing)).changes === 1;
  }

  renewStudyLease(studyId: string, holderId: string): boolean {
    return this.db.prepare(RENEW_LEASE_SQL).run(this.#timestamp(), studyId, holderId).changes === 1;
  }

  releaseStudyLease(studyId: string, holderId: string): void {
    this.db.prepare(RELEASE_LEASE_SQL).run(studyId, holderId);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
