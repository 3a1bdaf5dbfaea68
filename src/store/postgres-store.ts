/**
 * The results store on PostgreSQL (the `pg` client): the same tables, rows and behaviour as the SQLite store,
 * for studies whose trials run on many machines. Every state change is one transaction; row locks
 * (SELECT … FOR UPDATE) make "complete once" hold when several workers finish the same trial.
 */
import pg from 'pg';
import { ServelabError, errorMessage } from '../core/errors.js';
import { configurationKey } from '../core/space.js';
import type { FailureKind, TrialRow, TrialState } from '../core/trial.js';
import type { AsyncResultsStore } from './async-store.js';
import { POSTGRES_SCHEMA_SQL } from './postgres-schema.js';
import { capacityFromRow, environmentFromRow, jsonOrNull, sortedConfiguration, storedTrialFromRow, studyFromRow, TRIAL_SELECT, type TrialDbRow } from './row-mapping.js';
import { attemptFromRow, LIST_ATTEMPTS_SQL, RECORD_FINISHED_ATTEMPT_SQL, RECORD_INTERRUPTED_ATTEMPT_SQL, retryFailedStatements } from './attempt-sql.js';
import { INSERT_LEASE_SQL, insertLeaseParams, leaseFromRow, RELEASE_LEASE_SQL, RENEW_LEASE_SQL, SELECT_LEASE_SQL, TAKE_OVER_LEASE_SQL, takeOverLeaseParams } from './lease-sql.js';
import type {
  CapacityRecord,
  EnvironmentRecord,
  PlannedTrial,
  StoredTrial,
  StudyLease,
  StudyLeaseClaim,
  StudyProgress,
  StudyRecord,
  TrialAttempt,
  TrialFailureRecord,
  TrialMeasurement,
} from './types.js';

type Queryable = pg.Pool | pg.PoolClient;

// Serialises schema creation across processes that open the same database at once.
const SCHEMA_LOCK_KEY = 0x5e7e1ab;

export async function openPostgresStore(url: string, options: { now?: () => Date } = {}): Promise<AsyncResultsStore> {
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000 });
  // An idle client losing its connection (server restart) must not crash the process; the pool reconnects.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK_KEY]);
      await client.query(POSTGRES_SCHEMA_SQL);
      await client.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK_KEY]);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new ServelabError(`cannot open the PostgreSQL store at ${redact(url)}: ${errorMessage(error)}`, 'unavailable');
  }
  return new PostgresStore(pool, options.now ?? (() => new Date()));
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** `?` placeholders (the SQLite dialect of the shared queries) to PostgreSQL's `$n`. */
function dollarParams(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

class PostgresStore implements AsyncResultsStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => Date,
  ) {}

  #timestamp(): string {
    return this.now().toISOString();
  }

  async #rows<T>(sql: string, params: readonly unknown[] = [], db: Queryable = this.pool): Promise<T[]> {
    return (await db.query(dollarParams(sql), params as unknown[])).rows as T[];
  }

  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async openStudy(record: StudyRecord): Promise<StudyRecord> {
    return this.#transaction(async (client) => {
      await client.query('LOCK TABLE studies IN SHARE ROW EXCLUSIVE MODE');
      const existing = await this.#study(record.studyId, client);
      if (existing) {
        if (existing.definitionHash !== record.definitionHash) {
          throw new ServelabError(
            `the store already holds study '${record.studyId}' with a different definition; ` +
              `resume with the same study file, or use another study name for a changed study`,
          );
        }
        return existing;
      }
      await this.#rows(
        `INSERT INTO studies (study_id, definition_hash, definition_json, source_text, seed, expected_trials, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [record.studyId, record.definitionHash, JSON.stringify(record.definition), record.sourceText ?? null, record.seed, record.expectedTrials ?? null, this.#timestamp()],
        client,
      );
      return (await this.#study(record.studyId, client))!;
    });
  }

  async setExpectedTrials(studyId: string, expectedTrials: number): Promise<void> {
    await this.#rows('UPDATE studies SET expected_trials = ? WHERE study_id = ?', [expectedTrials, studyId]);
  }

  async #study(studyId: string, db: Queryable = this.pool): Promise<StudyRecord | undefined> {
    const [row] = await this.#rows<Record<string, unknown>>('SELECT * FROM studies WHERE study_id = ?', [studyId], db);
    return row ? studyFromRow(row) : undefined;
  }

  async studies(): Promise<StudyRecord[]> {
    return (await this.#rows<Record<string, unknown>>('SELECT * FROM studies ORDER BY created_at, study_id')).map(studyFromRow);
  }

  async recordEnvironment(studyId: string, environment: EnvironmentRecord): Promise<void> {
    await this.#rows(
      `INSERT INTO environment (study_id, recorded_at, cpu_model, cores, memory_mb, os, node_version, ort_version, meter, details_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [studyId, this.#timestamp(), environment.cpuModel, environment.cores, Math.round(environment.memoryMb), environment.os, environment.nodeVersion, environment.ortVersion, environment.meter, JSON.stringify(environment.details)],
    );
  }

  async environments(studyId: string): Promise<(EnvironmentRecord & { recordedAt: string })[]> {
    const rows = await this.#rows<Record<string, unknown>>('SELECT * FROM environment WHERE study_id = ? ORDER BY recorded_at, environment_id', [studyId]);
    return rows.map(environmentFromRow);
  }

  async planTrials(trials: readonly PlannedTrial[]): Promise<void> {
    if (trials.length === 0) return;
    await this.#transaction(async (client) => {
      // Sequence numbers are counts per study: one planner at a time keeps them dense and ordered.
      await client.query('LOCK TABLE configurations, trials IN SHARE ROW EXCLUSIVE MODE');
      for (const trial of trials) {
        const key = configurationKey(trial.configuration);
        await this.#rows(
          `INSERT INTO configurations (study_id, config_key, configuration_json, sequence)
           VALUES (?, ?, ?, (SELECT COUNT(*) FROM configurations WHERE study_id = ?)) ON CONFLICT DO NOTHING`,
          [trial.studyId, key, JSON.stringify(sortedConfiguration(trial.configuration)), trial.studyId],
          client,
        );
        await this.#rows(
          `INSERT INTO trials (trial_id, study_id, config_key, model, workload, load, repetition, state, sequence)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'planned', (SELECT COUNT(*) FROM trials WHERE study_id = ?)) ON CONFLICT DO NOTHING`,
          [trial.trialId, trial.studyId, key, trial.context.model, trial.context.workload, trial.context.load, trial.repetition, trial.studyId],
          client,
        );
      }
    });
  }

  async startTrial(trialId: string): Promise<number> {
    return this.#transaction(async (client) => {
      const [row] = await this.#rows<{ state: TrialState; attempt: number }>('SELECT state, attempt FROM trials WHERE trial_id = ? FOR UPDATE', [trialId], client);
      if (!row) throw new ServelabError(`unknown trial '${trialId}'`, 'internal');
      if (row.state === 'completed') throw new ServelabError(`trial '${trialId}' has already completed`, 'internal');
      const attempt = row.attempt + 1;
      await this.#rows(RECORD_INTERRUPTED_ATTEMPT_SQL, [trialId], client);
      await this.#rows(`UPDATE trials SET state = 'running', attempt = ?, started_at = ?, finished_at = NULL WHERE trial_id = ?`, [attempt, this.#timestamp(), trialId], client);
      return attempt;
    });
  }

  completeTrial(trialId: string, measurement: TrialMeasurement): Promise<boolean> {
    return this.#finish(trialId, 'completed', measurement, undefined);
  }

  failTrial(trialId: string, failure: TrialFailureRecord, measurement?: TrialMeasurement): Promise<boolean> {
    return this.#finish(trialId, 'failed', measurement, failure);
  }

  async #finish(trialId: string, state: 'completed' | 'failed', measurement: TrialMeasurement | undefined, failure: TrialFailureRecord | undefined): Promise<boolean> {
    return this.#transaction(async (client) => {
      const [row] = await this.#rows<{ state: TrialState }>('SELECT state FROM trials WHERE trial_id = ? FOR UPDATE', [trialId], client);
      if (!row) throw new ServelabError(`unknown trial '${trialId}'`, 'internal');
      if (row.state === 'completed') return false;
      const valid = state === 'completed' ? (measurement?.valid ?? false) : false;
      await this.#rows(
        'UPDATE trials SET state = ?, valid = ?, failure_kind = ?, reason = ?, finished_at = ? WHERE trial_id = ?',
        [state, valid ? 1 : 0, failure?.kind ?? null, failure?.reason ?? (measurement?.verdictReasons?.join('; ') || null), this.#timestamp(), trialId],
        client,
      );
      if (measurement) {
        await this.#rows(
          `INSERT INTO measurements (trial_id, metrics_json, verdict_json, client_json, server_json, energy_json, histograms_json, applied_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (trial_id) DO UPDATE SET metrics_json = EXCLUDED.metrics_json, verdict_json = EXCLUDED.verdict_json,
             client_json = EXCLUDED.client_json, server_json = EXCLUDED.server_json, energy_json = EXCLUDED.energy_json,
             histograms_json = EXCLUDED.histograms_json, applied_json = EXCLUDED.applied_json`,
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
          client,
        );
      }
      await this.#rows(RECORD_FINISHED_ATTEMPT_SQL, [trialId], client);
      return true;
    });
  }

  async trial(trialId: string): Promise<StoredTrial | undefined> {
    const [row] = await this.#rows<TrialDbRow>(`${TRIAL_SELECT} WHERE t.trial_id = ?`, [trialId]);
    return row ? storedTrialFromRow(row) : undefined;
  }

  async trials(studyId: string): Promise<StoredTrial[]> {
    return (await this.#rows<TrialDbRow>(`${TRIAL_SELECT} WHERE t.study_id = ? ORDER BY t.sequence`, [studyId])).map(storedTrialFromRow);
  }

  async trialRows(studyId?: string): Promise<TrialRow[]> {
    const rows =
      studyId === undefined
        ? await this.#rows<TrialDbRow>(`${TRIAL_SELECT} ORDER BY t.study_id, t.sequence`)
        : await this.#rows<TrialDbRow>(`${TRIAL_SELECT} WHERE t.study_id = ? ORDER BY t.sequence`, [studyId]);
    return rows.map((row) => storedTrialFromRow(row).row);
  }

  async progress(studyId: string): Promise<StudyProgress> {
    const study = await this.#study(studyId);
    if (!study) throw new ServelabError(`no study '${studyId}' in this store`, 'not-found');
    const counts = Object.fromEntries(
      (await this.#rows<{ state: TrialState; n: string }>('SELECT state, COUNT(*) AS n FROM trials WHERE study_id = ? GROUP BY state', [studyId])).map((r) => [r.state, Number(r.n)]),
    ) as Partial<Record<TrialState, number>>;
    const recorded = (counts.planned ?? 0) + (counts.running ?? 0) + (counts.completed ?? 0) + (counts.failed ?? 0);
    const planned = Math.max(study.expectedTrials ?? recorded, recorded);
    const completed = counts.completed ?? 0;
    const failed = counts.failed ?? 0;
    const [configurations] = await this.#rows<{ n: string }>('SELECT COUNT(*) AS n FROM configurations WHERE study_id = ?', [studyId]);
    return { studyId, planned, completed, failed, running: counts.running ?? 0, remaining: planned - completed - failed, configurations: Number(configurations?.n ?? 0) };
  }

  async capacity(studyId: string, model: string, workload: string): Promise<CapacityRecord | undefined> {
    const [row] = await this.#rows<Record<string, unknown>>('SELECT * FROM capacities WHERE study_id = ? AND model = ? AND workload = ?', [studyId, model, workload]);
    return row ? capacityFromRow(row) : undefined;
  }

  async capacities(studyId: string): Promise<CapacityRecord[]> {
    return (await this.#rows<Record<string, unknown>>('SELECT * FROM capacities WHERE study_id = ? ORDER BY model, workload', [studyId])).map(capacityFromRow);
  }

  async saveCapacity(studyId: string, capacity: CapacityRecord): Promise<void> {
    await this.#rows(
      `INSERT INTO capacities (study_id, model, workload, capacity_rps, method, details_json) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (study_id, model, workload) DO UPDATE SET capacity_rps = EXCLUDED.capacity_rps, method = EXCLUDED.method, details_json = EXCLUDED.details_json`,
      [studyId, capacity.model, capacity.workload, capacity.capacityRps, capacity.method, jsonOrNull(capacity.details)],
    );
  }

  async attempts(studyId: string): Promise<TrialAttempt[]> {
    return (await this.#rows<Record<string, unknown>>(LIST_ATTEMPTS_SQL, [studyId])).map(attemptFromRow);
  }

  async retryFailedTrials(studyId: string, kinds?: readonly FailureKind[]): Promise<number> {
    return this.#transaction(async (client) => {
      let retried = 0;
      for (const { sql, params } of retryFailedStatements(studyId, kinds)) retried = (await client.query(dollarParams(sql), [...params])).rowCount ?? 0;
      return retried; // the last statement re-plans the trials
    });
  }

  async studyLease(studyId: string): Promise<StudyLease | undefined> {
    const [row] = await this.#rows<Record<string, unknown>>(SELECT_LEASE_SQL, [studyId]);
    return row ? leaseFromRow(row) : undefined;
  }

  async claimStudyLease(claim: StudyLeaseClaim, replacing?: string): Promise<boolean> {
    const timestamp = this.#timestamp();
    if ((await this.pool.query(dollarParams(INSERT_LEASE_SQL), insertLeaseParams(claim, timestamp))).rowCount === 1) return true;
    return replacing !== undefined && (await this.pool.query(dollarParams(TAKE_OVER_LEASE_SQL), takeOverLeaseParams(claim, timestamp, replacing))).rowCount === 1;
  }

  async renewStudyLease(studyId: string, holderId: string): Promise<boolean> {
    return (await this.pool.query(dollarParams(RENEW_LEASE_SQL), [this.#timestamp(), studyId, holderId])).rowCount === 1;
  }

  async releaseStudyLease(studyId: string, holderId: string): Promise<void> {
    await this.#rows(RELEASE_LEASE_SQL, [studyId, holderId]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
