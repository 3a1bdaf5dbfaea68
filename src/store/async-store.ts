/**
 * The results store seen through promises, so a networked backend (PostgreSQL) and the embedded SQLite file
 * serve the same callers: the distributed coordinator and workers, export, status, analyze and report.
 */
import { existsSync } from 'node:fs';
import { ServelabError } from '../core/errors.js';
import { openSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
import type { TrialRow } from '../core/trial.js';
import type { AsyncResultsStore, ResultsStore, StudyRecord } from './types.js';

export type { AsyncResultsStore } from './types.js';

/** Wraps the synchronous SQLite store; each call still runs as one SQLite transaction. */
export function asAsyncStore(store: ResultsStore): AsyncResultsStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? async (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args) : value;
    },
  }) as unknown as AsyncResultsStore;
}

export function isPostgresLocation(location: string): boolean {
  return /^postgres(ql)?:\/\//.test(location);
}

/**
 * Opens a store by location: a `postgres://` URL, or an SQLite file path. Read-only callers (export, status,
 * analyze, report) pass mustExist so a mistyped path is an error rather than a new empty database.
 */
export async function openResultsStore(location: string, options: SqliteStoreOptions = {}): Promise<AsyncResultsStore> {
  if (isPostgresLocation(location)) {
    const { openPostgresStore } = await import('./postgres-store.js');
    return openPostgresStore(location);
  }
  if (options.mustExist && !existsSync(location)) {
    throw new ServelabError(`no study database at ${location}; expected an SQLite file written by 'servelab explore' or a postgres:// URL`, 'not-found');
  }
  return asAsyncStore(openSqliteStore(location, options));
}

/** The one study of a store, or the named one; several studies without a name is an error listing them. */
export async function requireStudy(store: AsyncResultsStore, studyId?: string): Promise<StudyRecord> {
  const studies = await store.studies();
  if (studyId !== undefined) {
    const found = studies.find((study) => study.studyId === studyId);
    if (!found) throw new ServelabError(`no study '${studyId}' in this store; it holds: ${studies.map((s) => s.studyId).join(', ') || 'none'}`, 'not-found');
    return found;
  }
  if (studies.length === 0) throw new ServelabError('the store holds no study yet', 'not-found');
  if (studies.length > 1) throw new ServelabError(`the store holds several studies (${studies.map((s) => s.studyId).join(', ')}); choose one with --study NAME`);
  return studies[0]!;
}

/** The trial rows in a store given by location (SQLite file or postgres:// URL): one study's, or all. */
export async function readStudyRows(location: string, studyId?: string): Promise<TrialRow[]> {
  const store = await openResultsStore(location, { mustExist: true });
  try {
    return await store.trialRows(studyId === undefined ? undefined : (await requireStudy(store, studyId)).studyId);
  } finally {
    await store.close();
  }
}

/**
 * Copies one study, trial by trial with its measurements, into another store (e.g. PostgreSQL to an SQLite
 * file to take home). Trial ids, states and results are kept; the target's write rules still apply.
 */
export async function copyStudy(source: AsyncResultsStore, target: AsyncResultsStore, studyId?: string): Promise<number> {
  const study = await requireStudy(source, studyId);
  await target.openStudy(study);
  if (study.expectedTrials !== undefined) await target.setExpectedTrials(study.studyId, study.expectedTrials);
  for (const environment of await source.environments(study.studyId)) await target.recordEnvironment(study.studyId, environment);
  for (const capacity of await source.capacities(study.studyId)) await target.saveCapacity(study.studyId, capacity);
  const trials = await source.trials(study.studyId);
  await target.planTrials(trials.map((trial) => ({ trialId: trial.trialId, studyId: study.studyId, configuration: trial.row.configuration, context: trial.row.context, repetition: trial.row.repetition })));
  for (const trial of trials) {
    if (trial.state === 'completed' && trial.measurement) await target.completeTrial(trial.trialId, trial.measurement);
    else if (trial.state === 'failed' && trial.row.failure) await target.failTrial(trial.trialId, trial.row.failure, trial.measurement);
  }
  return trials.length;
}
