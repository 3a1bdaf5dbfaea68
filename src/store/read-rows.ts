/** Synchronous read of an SQLite study database's trial rows (readStudyRows in async-store.ts also reads postgres://). */
import { ServelabError } from '../core/errors.js';
import type { TrialRow } from '../core/trial.js';
import { openSqliteStore } from './sqlite-store.js';

export function readTrialRows(dbPath: string, studyId?: string): TrialRow[] {
  const store = openSqliteStore(dbPath, { mustExist: true, readonly: true });
  try {
    if (studyId !== undefined && !store.studies().some((study) => study.studyId === studyId)) {
      throw new ServelabError(`no study '${studyId}' in ${dbPath}; it holds: ${store.studies().map((s) => s.studyId).join(', ') || 'none'}`, 'not-found');
    }
    return store.trialRows(studyId);
  } finally {
    store.close();
  }
}
