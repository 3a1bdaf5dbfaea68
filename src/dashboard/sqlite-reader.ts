/** The dashboard's reader of an SQLite store: its own read-only connection; `PRAGMA data_version` detects commits by the writer. */
import Database from 'better-sqlite3';
import { ServelabError, errorMessage } from '../core/errors.js';
import { capacityFromRow, environmentFromRow, storedTrialFromRow, studyFromRow, TRIAL_SELECT, type TrialDbRow } from '../store/row-mapping.js';
import { lightTrialsSql, STAMPS_SQL, type LightTrialRow, type StoreReader, type TrialStamp } from './reader-queries.js';

/** Well under SQLite's limit on bound parameters. */
const IDS_PER_QUERY = 500;

export function openSqliteReader(path: string): StoreReader {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 10000');
    db.prepare('SELECT 1 FROM trials LIMIT 1').all();
  } catch (error) {
    throw new ServelabError(`cannot read the study database ${path}: ${errorMessage(error)}; expected a file written by 'servelab explore'`, 'invalid-input');
  }
  const machine = "json_extract(m.applied_json, '$.worker.host')";
  const allTrials = db.prepare(lightTrialsSql(machine, ''));
  const someTrials = (count: number): Database.Statement => db.prepare(lightTrialsSql(machine, `AND t.trial_id IN (${Array(count).fill('?').join(',')})`));
  return {
    location: path,
    changeToken: async () => String(db.pragma('data_version', { simple: true })),
    studies: async () => (db.prepare('SELECT * FROM studies ORDER BY created_at, study_id').all() as Record<string, unknown>[]).map(studyFromRow),
    stamps: async (studyId) => db.prepare(STAMPS_SQL).all(studyId) as TrialStamp[],
    lightTrials: async (studyId, trialIds) => {
      if (trialIds === undefined) return allTrials.all(studyId) as LightTrialRow[];
      const rows: LightTrialRow[] = [];
      for (let start = 0; start < trialIds.length; start += IDS_PER_QUERY) {
        const chunk = trialIds.slice(start, start + IDS_PER_QUERY);
        rows.push(...(someTrials(chunk.length).all(studyId, ...chunk) as LightTrialRow[]));
      }
      return rows;
    },
    trial: async (trialId) => {
      const row = db.prepare(`${TRIAL_SELECT} WHERE t.trial_id = ?`).get(trialId) as TrialDbRow | undefined;
      return row ? storedTrialFromRow(row) : undefined;
    },
    trials: async (studyId) => (db.prepare(`${TRIAL_SELECT} WHERE t.study_id = ? ORDER BY t.sequence`).all(studyId) as TrialDbRow[]).map(storedTrialFromRow),
    environments: async (studyId) =>
      (db.prepare('SELECT * FROM environment WHERE study_id = ? ORDER BY recorded_at, environment_id').all(studyId) as Record<string, unknown>[]).map(environmentFromRow),
    capacities: async (studyId) => (db.prepare('SELECT * FROM capacities WHERE study_id = ? ORDER BY model, workload').all(studyId) as Record<string, unknown>[]).map(capacityFromRow),
    close: async () => {
      if (db.open) db.close();
    },
  };
}
