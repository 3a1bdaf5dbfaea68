/**
 * The embedded results store: one SQLite file (better-sqlite3), WAL journal, full sync. Each state change is
 * one transaction, so a process killed at any instant (kill -9) leaves every completed trial committed once
 * and at most a trial marked 'running', which a resumed run measures again.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { ServelabError } from '../core/errors.js';
import { configurationKey, type Configuration } from '../core/space.js';
import type { FailureKind, TrialRow, TrialState } from '../core/trial.js';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';
import { checkStoreFile, storeFileError, withFileErrors } from './sqlite-file-check.js';
import type {
  CapacityRecord,
  EnvironmentRecord,
  PlannedTrial,
  ResultsStore,
  StoredTrial,
  StudyProgress,
  StudyRecord,
  TrialFailureRecord,
  TrialMeasurement,
} from './types.js';

export interface TrialDbRow {
  trial_id: string;
  study_id: string;
  configuration_json: string;
  model: string;
  workload: string;
  load: string;
  repetition: number;
  state: TrialState;
  attempt: number;
  valid: number | null;
  failure_kind: string | null;
  reason: string | null;
  started_at: string | null;
  finished_at: string | null;
  metrics_json: string | null;
  verdict_json: string | null;
  client_json: string | null;
  server_json: string | null;
  energy_json: string | null;
  histograms_json: string | null;
  applied_json: string | null;
}

export const TRIAL_SELECT = `
  SELECT t.*, c.configuration_json, m.metrics_json, m.verdict_json, m.client_json, m.server_json, m.energy_json,
         m.histograms_json, m.applied_json
  FROM trials t
  JOIN configurations c ON c.study_id = t.study_id AND c.config_key = t.config_key
  LEFT JOIN measurements m ON m.trial_id = t.trial_id`;

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
      else if (version === 1 && SCHEMA_VERSION === 2) migrateV1ToV2(db);
      else if (version !== SCHEMA_VERSION) throw new ServelabError(`${path}: store schema version ${version}; this servelab reads version ${SCHEMA_VERSION}`);
    }
  } catch (error) {
    db?.close();
    throw storeFileError(path, error);
  }
  return withFileErrors(new SqliteStore(db, options.now ?? (() => new Date())), path);
}

/** Version 2 gave environment rows their own id (several workers may record at the same instant); rows are kept. */
function migrateV1ToV2(db: Database.Database): void {
  const columns = 'study_id, recorded_at, cpu_model, cores, memory_mb, os, node_version, ort_version, meter, details_json';
  db.transaction(() => {
    db.exec('ALTER TABLE environment RENAME TO environment_v1');
    db.exec(SCHEMA_SQL); // creates the version 2 environment table
    db.exec(`INSERT INTO environment (${columns}) SELECT ${columns} FROM environment_v1 ORDER BY recorded_at`);
    db.exec('DROP TABLE environment_v1');
    db.pragma('user_version = 2');
  })();
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

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export function jsonOrNull(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

export function sortedConfiguration(configuration: Configuration): Configuration {
  return JSON.parse(configurationKey(configuration)) as Configuration;
}

export function studyFromRow(row: Record<string, unknown>): StudyRecord {
  return {
    studyId: String(row.study_id),
    definitionHash: String(row.definition_hash),
    definition: JSON.parse(String(row.definition_json)),
    ...(row.source_text === null ? {} : { sourceText: String(row.source_text) }),
    seed: Number(row.seed),
    ...(row.expected_trials === null ? {} : { expectedTrials: Number(row.expected_trials) }),
    createdAt: String(row.created_at),
  };
}

export function environmentFromRow(row: Record<string, unknown>): EnvironmentRecord & { recordedAt: string } {
  return {
    recordedAt: String(row.recorded_at),
    cpuModel: String(row.cpu_model),
    cores: Number(row.cores),
    memoryMb: Number(row.memory_mb),
    os: String(row.os),
    nodeVersion: String(row.node_version),
    ortVersion: String(row.ort_version),
    meter: String(row.meter),
    details: JSON.parse(String(row.details_json)) as Record<string, unknown>,
  };
}

export function capacityFromRow(row: Record<string, unknown>): CapacityRecord {
  return {
    model: String(row.model),
    workload: String(row.workload),
    capacityRps: Number(row.capacity_rps),
    method: String(row.method),
    ...(row.details_json === null ? {} : { details: JSON.parse(String(row.details_json)) as unknown }),
  };
}

export function storedTrialFromRow(row: TrialDbRow): StoredTrial {
  const metrics = row.metrics_json ? (JSON.parse(row.metrics_json) as Record<string, number>) : {};
  const verdict = row.verdict_json ? (JSON.parse(row.verdict_json) as { valid: boolean; reasons: string[] }) : undefined;
  const parse = (text: string | null): unknown => (text === null ? undefined : JSON.parse(text));
  const machine = (parse(row.applied_json) as { worker?: { host?: string } } | undefined)?.worker?.host;
  const trialRow: TrialRow = {
    trialId: row.trial_id,
    configuration: JSON.parse(row.configuration_json) as Configuration,
    context: { model: row.model, workload: row.workload, load: row.load, ...(machine === undefined ? {} : { machine }) },
    repetition: row.repetition,
    state: row.state,
    valid: row.valid === 1,
    metrics,
    ...(row.state === 'failed' ? { failure: { kind: (row.failure_kind ?? 'crash') as FailureKind, reason: row.reason ?? 'failed' } } : {}),
  };
  const measurement: TrialMeasurement | undefined = row.metrics_json
    ? {
        metrics,
        valid: verdict?.valid ?? false,
        verdictReasons: verdict?.reasons ?? [],
        ...optional('client', parse(row.client_json)),
        ...optional('server', parse(row.server_json)),
        ...optional('energy', parse(row.energy_json)),
        ...optional('histograms', parse(row.histograms_json)),
        ...optional('applied', parse(row.applied_json)),
      }
    : undefined;
  return {
    trialId: row.trial_id,
    studyId: row.study_id,
    state: row.state,
    attempt: row.attempt,
    row: trialRow,
    ...(measurement ? { measurement } : {}),
    ...(row.started_at ? { startedAt: row.started_at } : {}),
    ...(row.finished_at ? { finishedAt: row.finished_at } : {}),
  };
}

function optional<K extends string>(key: K, value: unknown): Partial<Record<K, unknown>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, unknown>);
}
