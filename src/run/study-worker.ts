/**
 * Runs study jobs on this machine, one at a time: the local worker of `servelab explore` and the worker behind
 * `servelab worker` alike. A job carries ids only; the study comes from the store, validated again
 * (stored-study.ts), and a unit's trials must be planned there. The first job of a study records this
 * machine's environment with it.
 */
import { ServelabError } from '../core/errors.js';
import type { Configuration } from '../core/space.js';
import type { TrialExtras } from '../core/trial-measurement.js';
import type { OsCapabilities } from '../knobs/detect.js';
import { mixCapacityPairs, modelWorkloadPairs } from '../plan/colocation.js';
import type { Study } from '../plan/study-schema.js';
import { requireStudy, type AsyncResultsStore } from '../store/async-store.js';
import type { CapacityRecord, TrialMeasurement } from '../store/types.js';
import { runCoServedUnit } from './co-served-unit.js';
import { describeCpuLayout } from './cpu-layout.js';
import { measureMixCapacity } from './mix-capacity.js';
import { driverForLayout } from './default-driver.js';
import { studyEnvironment } from './environment.js';
import type { LoadDriver } from './load-driver.js';
import { sessionSettingsFor, type SessionSettings } from './server-session.js';
import { studyFromRecord } from './stored-study.js';
import { jobConfiguration, type StudyJob, type UnitJob } from './study-jobs.js';
import { measureCapacity, pendingTrials, runTrialUnit, type UnitContext, type UnitTrialOutcome } from './trial-unit.js';
import { trialsOf, type TrialSpec } from './trial-plan.js';

export interface StudyWorkerEvents {
  capacityStarted?(study: Study, model: string, workload: string): void;
  capacityMeasured?(study: Study, record: CapacityRecord): void;
  /** The hypervisor took more than the study allows (steal) during a capacity search, which is run again. */
  capacityRemeasured?(study: Study, model: string, workload: string, steal: number): void;
  trialStarted?(configuration: Configuration, trial: TrialSpec): void;
  trialEnded?(configuration: Configuration, trial: TrialSpec, outcome: UnitTrialOutcome): void;
  trialRemeasured?(configuration: Configuration, trial: TrialSpec, disturbed: TrialMeasurement): void;
}

export interface StudyWorkerOptions {
  readonly store: AsyncResultsStore;
  readonly capabilities: OsCapabilities;
  /** Default: servelab's load generator, one per CPU layout (pinned to the generator's CPUs when the layout isolates it), kept until close. */
  readonly driver?: LoadDriver;
  /** How long a server may take to print its ready line (embedded target). */
  readonly readyTimeoutMs?: number;
  /** Facts stored with every trial's applied knobs and with the environment record, e.g. which machine ran them. */
  readonly extras?: TrialExtras;
  readonly events?: StudyWorkerEvents;
}

export interface PreparedStudy {
  readonly study: Study;
  readonly settings: SessionSettings;
}

/** What a job did: trials (or a capacity) it recorded, and those already recorded elsewhere. */
export interface JobOutcome {
  readonly recorded: number;
  readonly duplicates: number;
}

export class StudyWorker {
  readonly #options: StudyWorkerOptions;
  /** Studies by id and definition hash: a store recreated under the same study name is read again. */
  readonly #prepared = new Map<string, PreparedStudy>();
  readonly #drivers = new Map<string, LoadDriver>();

  constructor(options: StudyWorkerOptions) {
    this.#options = options;
  }

  /** The study as this machine runs it; the first call for a study records this machine's environment. */
  async prepare(studyId: string): Promise<PreparedStudy> {
    const { store } = this.#options;
    const record = await requireStudy(store, studyId);
    const key = `${studyId}\u0000${record.definitionHash}`;
    const known = this.#prepared.get(key);
    if (known) return known;
    const study = studyFromRecord(record);
    const settings = sessionSettingsFor(study, this.#options.capabilities, this.#options.readyTimeoutMs ?? 120_000);
    const environment = await studyEnvironment(settings);
    const extras = this.#options.extras;
    await store.recordEnvironment(studyId, extras ? { ...environment, details: { ...environment.details, ...extras } } : environment);
    const prepared = { study, settings };
    this.#prepared.set(key, prepared);
    return prepared;
  }

  async run(job: StudyJob): Promise<JobOutcome> {
    const { study, settings } = await this.prepare(job.studyId);
    const context: UnitContext = {
      store: this.#options.store,
      driver: this.#driverFor(settings),
      settings,
      ...(this.#options.extras ? { appliedExtras: this.#options.extras } : {}),
    };
    return job.kind === 'capacity' ? this.#capacity(study, context, job.model, job.workload) : this.#unit(study, context, job);
  }

  /** Closes the load drivers this worker started (not one given to it). */
  async close(): Promise<void> {
    const drivers = [...this.#drivers.values()];
    this.#drivers.clear();
    await Promise.all(drivers.map((driver) => driver.close?.()));
  }

  async #capacity(study: Study, context: UnitContext, model: string, workload: string): Promise<JobOutcome> {
    const mix = mixCapacityPairs(study).find((pair) => pair.model === model && pair.workload === workload);
    if (!mix && !modelWorkloadPairs(study).some((pair) => pair.model === model && pair.workload === workload)) {
      throw new ServelabError(`a capacity job of study '${study.name}' names ${model} with ${workload}; expected one of its models with one of its workloads`, 'invalid-input');
    }
    if (await context.store.capacity(study.name, model, workload)) return { recorded: 0, duplicates: 1 };
    const events = this.#options.events;
    events?.capacityStarted?.(study, model, workload);
    const onCapacityRemeasured = events?.capacityRemeasured ? (steal: number) => events.capacityRemeasured?.(study, model, workload, steal) : undefined;
    const record = mix ? await measureMixCapacity(context, mix.group) : await measureCapacity({ ...context, ...(onCapacityRemeasured ? { onCapacityRemeasured } : {}) }, model, workload);
    events?.capacityMeasured?.(study, record);
    return { recorded: 1, duplicates: 0 };
  }

  async #unit(study: Study, context: UnitContext, job: UnitJob): Promise<JobOutcome> {
    const configuration = jobConfiguration(job);
    const unit = trialsOf(study, configuration).filter(
      (trial) => trial.repetition === job.repetition && (job.coServed === undefined ? trial.context.model === job.model : trial.context.coServed === job.coServed),
    );
    if (unit.length === 0) {
      const what = job.coServed === undefined ? `model ${job.model}` : `co-served group ${job.coServed}`;
      const expected = job.coServed === undefined ? 'one of its models' : 'one of its co-served groups';
      throw new ServelabError(`a unit job of study '${study.name}' names ${what}, repetition ${job.repetition}; expected ${expected} and a repetition below ${study.repetitions}`, 'invalid-input');
    }
    const pending = await pendingTrials(context.store, unit);
    const events = this.#options.events;
    const runUnit = job.coServed === undefined ? runTrialUnit : runCoServedUnit;
    const outcomes = await runUnit(
      {
        ...context,
        ...(events?.trialStarted ? { onTrialStarted: (trial: TrialSpec) => events.trialStarted?.(configuration, trial) } : {}),
        ...(events?.trialEnded ? { onTrialEnded: (trial: TrialSpec, outcome: UnitTrialOutcome) => events.trialEnded?.(configuration, trial, outcome) } : {}),
        ...(events?.trialRemeasured ? { onTrialRemeasured: (trial: TrialSpec, disturbed: TrialMeasurement) => events.trialRemeasured?.(configuration, trial, disturbed) } : {}),
      },
      configuration,
      pending,
    );
    const recorded = outcomes.filter((outcome) => outcome.recorded).length;
    return { recorded, duplicates: unit.length - recorded };
  }

  #driverFor(settings: SessionSettings): LoadDriver {
    if (this.#options.driver) return this.#options.driver;
    // One generator per layout, kept for the worker's life: studies with the same layout share it.
    const key = describeCpuLayout(settings.layout);
    let driver = this.#drivers.get(key);
    if (!driver) this.#drivers.set(key, (driver = driverForLayout(settings.layout)));
    return driver;
  }
}
