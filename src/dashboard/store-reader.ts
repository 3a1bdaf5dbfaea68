/**
 * Read-only access to a results store for the dashboard: an SQLite file opened read-only, or a PostgreSQL
 * session whose transactions are read-only. The dashboard never writes, not even the schema the store's own
 * open would create.
 */
import { existsSync } from 'node:fs';
import { ServelabError } from '../core/errors.js';
import type { CapacityRecord, EnvironmentRecord, StoredTrial, StudyRecord } from '../store/types.js';
import type { LightTrialRow, TrialStamp } from './reader-queries.js';

export interface StoreReader {
  /** The store's location for display (a URL without its password). */
  readonly location: string;
  /** Changes whenever anything in the study may have changed; compared for equality only. */
  changeToken(studyId: string): Promise<string>;
  studies(): Promise<StudyRecord[]>;
  stamps(studyId: string): Promise<TrialStamp[]>;
  /** The light rows of the given trials, or of every trial of the study. */
  lightTrials(studyId: string, trialIds?: readonly string[]): Promise<LightTrialRow[]>;
  /** One trial with its whole measurement (per-window series, counters, energy, applied knobs). */
  trial(trialId: string): Promise<StoredTrial | undefined>;
  /** Every trial of the study with its whole measurement (for exports; the live view reads light rows). */
  trials(studyId: string): Promise<StoredTrial[]>;
  environments(studyId: string): Promise<(EnvironmentRecord & { recordedAt: string })[]>;
  capacities(studyId: string): Promise<CapacityRecord[]>;
  close(): Promise<void>;
}

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//.test(location);
}

export async function openStoreReader(location: string): Promise<StoreReader> {
  if (isPostgresUrl(location)) {
    const { openPostgresReader } = await import('./postgres-reader.js');
    return openPostgresReader(location);
  }
  if (!existsSync(location)) {
    throw new ServelabError(`no study database at ${location}; expected an SQLite file written by 'servelab explore' or a postgres:// URL`, 'not-found');
  }
  const { openSqliteReader } = await import('./sqlite-reader.js');
  return openSqliteReader(location);
}
