/**
 * The results store's contract. One implementation (store-operations.ts) serves both backends over the same
 * tables: the embedded SQLite file, synchronous (sqlite-store.ts), and PostgreSQL, through promises
 * (postgres-store.ts). Writes are idempotent, keyed by trial id:
 * completing a trial twice keeps the first result, so a resumed study never duplicates one.
 */
import type { Configuration } from '../core/space.js';
import type { FailureKind, TrialContext, TrialRow, TrialState } from '../core/trial.js';
import type { AppliedRecord, ClientRecord, EnergyRecord, EnvironmentDetails, ServerCounterDeltas, TrialHistograms } from '../core/trial-measurement.js';
import type { VerdictReason } from '../core/verdict-reason.js';

export interface StudyRecord {
  /** The study's name; one database may hold several studies. */
  readonly studyId: string;
  /** Hash of the study definition: resuming with a different definition is refused. */
  readonly definitionHash: string;
  /** The study as validated (JSON-serializable), and its source text when known. */
  readonly definition: unknown;
  readonly sourceText?: string;
  readonly seed: number;
  /** Trials the study plans in all (configurations x contexts x repetitions), when known. */
  readonly expectedTrials?: number;
  readonly createdAt?: string;
}

export interface PlannedTrial {
  readonly trialId: string;
  readonly studyId: string;
  readonly configuration: Configuration;
  readonly context: TrialContext;
  readonly repetition: number;
}

/** What one completed (or failed-after-measuring) trial produced. */
export interface TrialMeasurement {
  /** Metric names from core/metric.ts; numbers only. */
  readonly metrics: Readonly<Record<string, number>>;
  /** The verdict: valid, or why not. */
  readonly valid: boolean;
  readonly verdictReasons?: readonly VerdictReason[];
  /** Raw client-side results (load generator summary). */
  readonly client?: ClientRecord;
  /** Server-reported metrics (queue, compute, batch sizes, cache). */
  readonly server?: ServerCounterDeltas;
  /** The energy reading, with its meter name and whether it is a measurement or an estimate. */
  readonly energy?: EnergyRecord;
  /** Latency histograms (encoded HDR or bucket lists), JSON. */
  readonly histograms?: TrialHistograms;
  /** OS and server knobs as applied, next to the requested values, and the worker machine. */
  readonly applied?: AppliedRecord;
}

export interface TrialFailureRecord {
  readonly kind: FailureKind;
  readonly reason: string;
}

export interface StoredTrial {
  readonly trialId: string;
  readonly studyId: string;
  readonly state: TrialState;
  readonly attempt: number;
  readonly row: TrialRow;
  readonly measurement?: TrialMeasurement;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

export interface EnvironmentRecord {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryMb: number;
  readonly os: string;
  readonly nodeVersion: string;
  readonly ortVersion: string;
  /** Meter name as used ('rapl', 'nvidia-smi', 'cpu-time-estimate'). */
  readonly meter: string;
  /** Everything else: meter details, power model, knob notes (emulated knobs), virtualization. */
  readonly details: EnvironmentDetails;
}

export interface CapacityRecord {
  readonly model: string;
  readonly workload: string;
  readonly capacityRps: number;
  readonly method: string;
  readonly details?: unknown;
}

export interface StudyProgress {
  readonly studyId: string;
  /** Trials the study plans in all (falls back to the trials recorded so far when unknown). */
  readonly planned: number;
  readonly completed: number;
  readonly failed: number;
  /** Trials that were running when the last run stopped (they are run again on resume). */
  readonly running: number;
  readonly remaining: number;
  readonly configurations: number;
}

/** One attempt at a trial: finished, or left running by a runner that stopped (interrupted). */
export interface TrialAttempt {
  readonly trialId: string;
  readonly attempt: number;
  readonly state: 'completed' | 'failed' | 'interrupted';
  readonly valid: boolean;
  readonly failure?: TrialFailureRecord;
  /** A completed attempt's INVALID verdict in words (for one set aside and measured again, prefixed so). */
  readonly reason?: string;
  readonly metrics: Readonly<Record<string, number>>;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

/** Who asks to run a study: one explore or distributed coordinator per study at a time. */
export interface StudyLeaseClaim {
  readonly studyId: string;
  /** Unique per acquisition, so a restarted runner with a recycled pid is not mistaken for its predecessor. */
  readonly holderId: string;
  readonly pid: number;
  readonly host: string;
  readonly role: 'explore' | 'coordinator';
}

export interface StudyLease extends StudyLeaseClaim {
  readonly acquiredAt: string;
  /** Renewed while the holder runs; a lease whose heartbeat is old enough is abandoned. */
  readonly heartbeatAt: string;
}

export interface ResultsStore {
  /** Creates the study, or returns the stored one; a different definition under the same name is refused. */
  openStudy(record: StudyRecord): StudyRecord;
  setExpectedTrials(studyId: string, expectedTrials: number): void;
  studies(): StudyRecord[];
  recordEnvironment(studyId: string, environment: EnvironmentRecord): void;
  environments(studyId: string): (EnvironmentRecord & { recordedAt: string })[];
  /** Records trials as planned; trials already known keep their state. */
  planTrials(trials: readonly PlannedTrial[]): void;
  /** Marks a trial running and returns its attempt number (1 for the first). */
  startTrial(trialId: string): number;
  /** Commits a completed trial in one transaction; false (and nothing written) if it already completed. */
  completeTrial(trialId: string, measurement: TrialMeasurement): boolean;
  /** Records a failure with its reason; false if the trial had already completed. */
  failTrial(trialId: string, failure: TrialFailureRecord, measurement?: TrialMeasurement): boolean;
  /**
   * Keeps a running trial's INVALID measurement as an earlier attempt, to be measured again (run/remeasure.ts);
   * false when the trial is not running. The trial's next startTrial is its next attempt.
   */
  discardAttempt(trialId: string, measurement: TrialMeasurement): boolean;
  trial(trialId: string): StoredTrial | undefined;
  trials(studyId: string): StoredTrial[];
  trialRows(studyId?: string): TrialRow[];
  progress(studyId: string): StudyProgress;
  capacity(studyId: string, model: string, workload: string): CapacityRecord | undefined;
  capacities(studyId: string): CapacityRecord[];
  saveCapacity(studyId: string, capacity: CapacityRecord): void;
  /** Every recorded attempt of a study's trials, in trial order then attempt order. */
  attempts(studyId: string): TrialAttempt[];
  /** Plans failed trials (all, or those of the given kinds) again; their attempts stay recorded. Returns how many. */
  retryFailedTrials(studyId: string, kinds?: readonly FailureKind[]): number;
  studyLease(studyId: string): StudyLease | undefined;
  /** Takes the study's lease when nobody holds it, or when `replacing` still does (an abandoned lease); false otherwise. */
  claimStudyLease(claim: StudyLeaseClaim, replacing?: string): boolean;
  /** Refreshes the heartbeat; false if the holder no longer holds the lease. */
  renewStudyLease(studyId: string, holderId: string): boolean;
  releaseStudyLease(studyId: string, holderId: string): void;
  close(): void;
}

/** The same store seen through promises, so the networked backend and the embedded file serve the same callers. */
export type AsyncResultsStore = {
  readonly [K in keyof ResultsStore]: ResultsStore[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};
