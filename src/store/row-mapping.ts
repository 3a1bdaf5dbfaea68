/**
 * Rows of the store's tables as records, shared by the SQLite and PostgreSQL stores (the same columns and
 * JSON encodings in both).
 */
import { configurationKey, type Configuration } from '../core/space.js';
import type { FailureKind, TrialRow, TrialState } from '../core/trial.js';
import {
  parseAppliedJson,
  parseClientJson,
  parseEnergyJson,
  parseEnvironmentDetails,
  parseHistogramsJson,
  parseServerJson,
  parseVerdictJson,
} from './measurement-json.js';
import type { AppliedRecord } from '../core/trial-measurement.js';
import type { CapacityRecord, EnvironmentRecord, StoredTrial, StudyRecord, TrialMeasurement } from './types.js';

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
    details: parseEnvironmentDetails(String(row.details_json)),
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

/** The trial as analysed (its machine from the worker recorded with the applied knobs), without the rest of its measurement. */
export function trialRowFromDb(row: TrialDbRow, applied: AppliedRecord | undefined = parseAppliedJson(row.applied_json)): TrialRow {
  const machine = applied?.worker?.host;
  // The models a co-located trial was served with are kept with its knobs as applied (run/measure-mix.ts), as the machine is.
  const coServed = applied?.coServed;
  return {
    trialId: row.trial_id,
    configuration: JSON.parse(row.configuration_json) as Configuration,
    context: { model: row.model, workload: row.workload, load: row.load, ...(machine === undefined ? {} : { machine }), ...(coServed === undefined ? {} : { coServed }) },
    repetition: row.repetition,
    state: row.state,
    valid: row.valid === 1,
    metrics: row.metrics_json ? (JSON.parse(row.metrics_json) as Record<string, number>) : {},
    ...(row.state === 'failed' ? { failure: { kind: (row.failure_kind ?? 'crash') as FailureKind, reason: row.reason ?? 'failed' } } : {}),
  };
}

export function storedTrialFromRow(row: TrialDbRow): StoredTrial {
  const verdict = parseVerdictJson(row.verdict_json);
  const applied = parseAppliedJson(row.applied_json);
  const trialRow = trialRowFromDb(row, applied);
  const measurement: TrialMeasurement | undefined = row.metrics_json
    ? {
        metrics: trialRow.metrics,
        valid: verdict?.valid ?? false,
        verdictReasons: verdict?.reasons ?? [],
        ...optional('client', parseClientJson(row.client_json)),
        ...optional('server', parseServerJson(row.server_json)),
        ...optional('energy', parseEnergyJson(row.energy_json)),
        ...optional('histograms', parseHistogramsJson(row.histograms_json)),
        ...optional('applied', applied),
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

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
