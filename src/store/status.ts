/** What `servelab status` shows: progress per study, failures by kind, the repetition noise and the drift between repetition rounds. */
import type { TrialRow } from '../core/trial.js';
import { openResultsStore } from './async-store.js';
import { roundDrift, type MetricDrift } from './round-drift.js';
import type { StoredTrial, StudyLease, StudyProgress, TrialAttempt } from './types.js';

const DRIFT_METRICS = ['p99_ms', 'p50_ms', 'achieved_rps', 'energy_j_per_inf'];

export interface StudyStatus extends StudyProgress {
  readonly seed: number;
  readonly createdAt?: string;
  readonly valid: number;
  readonly invalid: number;
  readonly failures: Readonly<Record<string, number>>;
  /** Median coefficient of variation per metric over configurations measured more than once in a context. */
  readonly repetitionCv: Readonly<Record<string, number>>;
  /** Change of the machine between the first and last repetition round (interleaved repetitions). */
  readonly drift: Readonly<Record<string, MetricDrift>>;
  readonly meter?: string;
  /** Times trials were started, all attempts counted. */
  readonly attempts: number;
  /**
   * Attempts superseded by a later one, by how they ended: a failure kind (a retried failure), 'interrupted' (a run
   * stopped midway) or 'remeasured' (an INVALID measurement a disturbance explains, measured again at once).
   */
  readonly earlierAttempts: Readonly<Record<string, number>>;
  /** The explore or coordinator holding the study's lease, when one does. */
  readonly runner?: StudyLease;
}

/** Status of every study in a store: an SQLite file or a postgres:// URL. */
export async function studyStatus(location: string): Promise<StudyStatus[]> {
  const store = await openResultsStore(location, { mustExist: true });
  try {
    const statuses: StudyStatus[] = [];
    for (const study of await store.studies()) {
      const trials = await store.trials(study.studyId);
      const rows = trials.map((trial) => trial.row);
      const completed = rows.filter((row) => row.state === 'completed');
      const failures: Record<string, number> = {};
      for (const row of rows) if (row.failure) failures[row.failure.kind] = (failures[row.failure.kind] ?? 0) + 1;
      const meter = (await store.environments(study.studyId)).at(-1)?.meter;
      statuses.push({
        ...(await store.progress(study.studyId)),
        seed: study.seed,
        ...(study.createdAt ? { createdAt: study.createdAt } : {}),
        valid: completed.filter((row) => row.valid).length,
        invalid: completed.filter((row) => !row.valid).length,
        failures,
        repetitionCv: repetitionCv(completed),
        drift: roundDrift(completed, DRIFT_METRICS),
        ...(meter ? { meter } : {}),
        attempts: trials.reduce((sum, trial) => sum + trial.attempt, 0),
        earlierAttempts: earlierAttempts(trials, await store.attempts(study.studyId)),
        ...optionalRunner(await store.studyLease(study.studyId)),
      });
    }
    return statuses;
  } finally {
    await store.close();
  }
}

/** Attempts that are not the outcome a trial holds now, counted by how they ended. */
export function earlierAttempts(trials: readonly StoredTrial[], attempts: readonly TrialAttempt[]): Record<string, number> {
  const current = new Map(trials.filter((trial) => trial.state === 'completed' || trial.state === 'failed').map((trial) => [trial.trialId, trial.attempt]));
  const counts: Record<string, number> = {};
  for (const attempt of attempts) {
    if (current.get(attempt.trialId) === attempt.attempt) continue;
    const kind = attempt.failure?.kind ?? (attempt.state === 'completed' ? 'remeasured' : attempt.state);
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

function optionalRunner(lease: StudyLease | undefined): { runner?: StudyLease } {
  return lease ? { runner: lease } : {};
}

/** Median over (configuration, context) groups of each metric's coefficient of variation across repetitions. */
export function repetitionCv(rows: readonly TrialRow[]): Record<string, number> {
  const groups = new Map<string, TrialRow[]>();
  for (const row of rows) {
    const key = `${JSON.stringify(row.configuration)}|${row.context.model}|${row.context.workload}|${row.context.load}|${row.context.coServed ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const perMetric = new Map<string, number[]>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    for (const metric of new Set(group.flatMap((row) => Object.keys(row.metrics)))) {
      const values = group.map((row) => row.metrics[metric]).filter((value): value is number => value !== undefined && Number.isFinite(value));
      if (values.length < 2) continue;
      const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
      if (mean === 0) continue;
      const sd = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1));
      perMetric.set(metric, [...(perMetric.get(metric) ?? []), sd / Math.abs(mean)]);
    }
  }
  const out: Record<string, number> = {};
  for (const [metric, cvs] of perMetric) {
    const sorted = cvs.sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    out[metric] = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  }
  return out;
}
