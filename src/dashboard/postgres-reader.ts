/**
 * The dashboard's reader of a PostgreSQL store: a small pool whose sessions are read-only
 * (default_transaction_read_only), so no query of the dashboard can write. Changes are detected by a
 * fingerprint of the study's trial states and attempts.
 */
import pg from 'pg';
import { ServelabError, errorMessage } from '../core/errors.js';
import { capacityFromRow, environmentFromRow, storedTrialFromRow, studyFromRow, TRIAL_SELECT, type TrialDbRow } from '../store/row-mapping.js';
import { redact } from '../store/postgres-store.js';
import { lightTrialsSql, SIDE_COUNTS_SQL, STAMPS_SQL, TRIAL_FINGERPRINT_SQL, type LightTrialRow, type StoreReader, type TrialStamp } from './reader-queries.js';

export async function openPostgresReader(url: string): Promise<StoreReader> {
  const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 10_000, options: '-c default_transaction_read_only=on' });
  // A lost idle connection (server restart) must not end the dashboard; the pool reconnects on the next query.
  pool.on('error', () => undefined);
  const rows = async <T>(sql: string, params: readonly unknown[] = []): Promise<T[]> => {
    let index = 0;
    return (await pool.query(sql.replace(/\?/g, () => `$${++index}`), params as unknown[])).rows as T[];
  };
  try {
    await rows('SELECT 1 FROM trials LIMIT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new ServelabError(`cannot read the PostgreSQL store at ${redact(url)}: ${errorMessage(error)}`, 'unavailable');
  }
  const machine = "(m.applied_json::json #>> '{worker,host}')";
  return {
    location: redact(url),
    changeToken: async (studyId) => JSON.stringify([await rows(TRIAL_FINGERPRINT_SQL, [studyId]), await rows(SIDE_COUNTS_SQL, [studyId, studyId])]),
    studies: async () => (await rows<Record<string, unknown>>('SELECT * FROM studies ORDER BY created_at, study_id')).map(studyFromRow),
    stamps: async (studyId) => (await rows<TrialStamp>(STAMPS_SQL, [studyId])).map((stamp) => ({ ...stamp, attempt: Number(stamp.attempt) })),
    lightTrials: async (studyId, trialIds) => {
      const found = trialIds === undefined ? await rows<LightTrialRow>(lightTrialsSql(machine, ''), [studyId]) : await rows<LightTrialRow>(lightTrialsSql(machine, 'AND t.trial_id = ANY(?)'), [studyId, trialIds]);
      return found.map((row) => ({ ...row, attempt: Number(row.attempt), repetition: Number(row.repetition) }));
    },
    trial: async (trialId) => {
      const [row] = await rows<TrialDbRow>(`${TRIAL_SELECT} WHERE t.trial_id = ?`, [trialId]);
      return row ? storedTrialFromRow(row) : undefined;
    },
    trials: async (studyId) => (await rows<TrialDbRow>(`${TRIAL_SELECT} WHERE t.study_id = ? ORDER BY t.sequence`, [studyId])).map(storedTrialFromRow),
    environments: async (studyId) => (await rows<Record<string, unknown>>('SELECT * FROM environment WHERE study_id = ? ORDER BY recorded_at, environment_id', [studyId])).map(environmentFromRow),
    capacities: async (studyId) => (await rows<Record<string, unknown>>('SELECT * FROM capacities WHERE study_id = ? ORDER BY model, workload', [studyId])).map(capacityFromRow),
    close: async () => {
      await pool.end().catch(() => undefined);
    },
  };
}
