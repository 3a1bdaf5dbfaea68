/**
 * One trial opened from the table: its verdict and metrics, the load generator's per-window latency and
 * throughput series, the server's counter deltas, the energy reading with its meter, and the knobs as
 * applied (OS knobs with their method, the server configuration, the worker machine).
 */
import type { AppliedRecord, ClientRecord, EnergyRecord, ServerCounterDeltas } from '../core/trial-measurement.js';
import type { StoredTrial } from '../store/types.js';

export interface TrialDetail {
  readonly id: string;
  readonly state: StoredTrial['state'];
  readonly attempt: number;
  readonly knobs: StoredTrial['row']['configuration'];
  readonly context: StoredTrial['row']['context'];
  readonly repetition: number;
  readonly verdict: 'valid' | 'invalid' | 'failed' | 'running' | 'planned';
  readonly reasons: readonly string[];
  readonly failure?: { readonly kind: string; readonly reason: string };
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly metrics: Readonly<Record<string, number>>;
  readonly windows: readonly WindowPoint[];
  readonly load?: Readonly<Record<string, unknown>>;
  readonly serverCounters?: ServerCounterDeltas;
  readonly energy?: EnergyRecord;
  readonly applied?: AppliedRecord;
}

export interface WindowPoint {
  readonly startMs: number;
  readonly endMs: number;
  readonly offeredRps: number | null;
  readonly achievedRps: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly meanMs: number | null;
  readonly errors: number;
  readonly dropped: number;
}

/** The load summary's scalar facts shown beside the series (the series and histograms left out). */
const LOAD_FIELDS = ['pattern', 'protocol', 'offeredRps', 'achievedRps', 'requests', 'completed', 'errors', 'dropped', 'timeouts', 'durationMs', 'warmupMs', 'windowMs', 'latencyMs', 'serviceTimeMs', 'stability', 'generator', 'valid', 'reasons'] as const satisfies readonly (keyof ClientRecord)[];

export function trialDetail(trial: StoredTrial): TrialDetail {
  const measurement = trial.measurement;
  const client = measurement?.client;
  const verdict = trial.state === 'completed' ? (trial.row.valid ? 'valid' : 'invalid') : trial.state;
  return {
    id: trial.trialId,
    state: trial.state,
    attempt: trial.attempt,
    knobs: trial.row.configuration,
    context: trial.row.context,
    repetition: trial.row.repetition,
    verdict,
    reasons: trial.row.failure ? [trial.row.failure.reason] : verdict === 'invalid' ? (measurement?.verdictReasons ?? []).map((reason) => reason.message) : [],
    ...(trial.row.failure ? { failure: trial.row.failure } : {}),
    ...(trial.startedAt ? { startedAt: trial.startedAt } : {}),
    ...(trial.finishedAt ? { finishedAt: trial.finishedAt } : {}),
    metrics: trial.row.metrics,
    windows: (client?.windows ?? []).map((window) => ({
      startMs: window.startMs ?? 0,
      endMs: window.endMs ?? 0,
      offeredRps: window.offeredRps ?? null,
      achievedRps: window.achievedRps ?? null,
      p50Ms: window.p50Ms ?? null,
      p99Ms: window.p99Ms ?? null,
      meanMs: window.meanMs ?? null,
      errors: window.errors ?? 0,
      dropped: window.dropped ?? 0,
    })),
    ...(client ? { load: Object.fromEntries(LOAD_FIELDS.filter((field) => client[field] !== undefined).map((field) => [field, client[field]])) } : {}),
    ...(measurement?.server !== undefined ? { serverCounters: measurement.server } : {}),
    ...(measurement?.energy !== undefined ? { energy: measurement.energy } : {}),
    ...(measurement?.applied !== undefined ? { applied: measurement.applied } : {}),
  };
}
