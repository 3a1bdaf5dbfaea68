/**
 * The dashboard's read queries over the store's tables (schema.ts; the same tables in both dialects). The
 * store's own `trials()` parses every measurement in full; a live view of 10,000 trials re-reads only what
 * changed, and only the columns its table shows, so these queries are the dashboard's own. Written with `?`
 * placeholders; the PostgreSQL reader numbers them.
 */
import type { CapacityRecord, EnvironmentRecord, StoredTrial, StudyRecord } from '../store/types.js';
import type { TrialState } from '../core/trial.js';

/** What decides whether a trial changed since the last read. */
export interface TrialStamp {
  readonly trial_id: string;
  readonly state: TrialState;
  readonly attempt: number;
  readonly started_at: string | null;
  readonly finished_at: string | null;
}

/** A trial without its raw measurement (load summary, histograms, counters). */
export interface LightTrialRow extends TrialStamp {
  readonly config_key: string;
  readonly configuration_json: string;
  readonly model: string;
  readonly workload: string;
  readonly load: string;
  readonly repetition: number;
  readonly valid: number | boolean | null;
  readonly failure_kind: string | null;
  readonly reason: string | null;
  readonly metrics_json: string | null;
  readonly verdict_json: string | null;
  readonly machine: string | null;
}

export const STAMPS_SQL = 'SELECT trial_id, state, attempt, started_at, finished_at FROM trials WHERE study_id = ? ORDER BY sequence';

/** The light columns; `machineExpression` extracts applied_json's worker.host in the reader's dialect. */
export function lightTrialsSql(machineExpression: string, idFilter: string): string {
  return `
  SELECT t.trial_id, t.state, t.attempt, t.started_at, t.finished_at, t.config_key, c.configuration_json, t.model, t.workload,
         t.load, t.repetition, t.valid, t.failure_kind, t.reason, m.metrics_json, m.verdict_json, ${machineExpression} AS machine
  FROM trials t
  JOIN configurations c ON c.study_id = t.study_id AND c.config_key = t.config_key
  LEFT JOIN measurements m ON m.trial_id = t.trial_id
  WHERE t.study_id = ? ${idFilter}
  ORDER BY t.sequence`;
}

/** Changes to these tables (besides trials) also change what the page shows. */
export const SIDE_COUNTS_SQL = `SELECT
  (SELECT COUNT(*) FROM environment WHERE study_id = ?) AS environments,
  (SELECT COUNT(*) FROM capacities WHERE study_id = ?) AS capacities`;

/** A cheap fingerprint of a study's trials: any state change or new attempt changes it. */
export const TRIAL_FINGERPRINT_SQL = 'SELECT state, COUNT(*) AS n, SUM(attempt) AS attempts FROM trials WHERE study_id = ? GROUP BY state ORDER BY state';

export function stampKey(stamp: TrialStamp): string {
  return `${stamp.state}|${stamp.attempt}|${stamp.started_at ?? ''}|${stamp.finished_at ?? ''}`;
}

/** What the dashboard reads from a store; one implementation per database (sqlite-reader.ts, postgres-reader.ts). */
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
