/**
 * A unit of work on one machine: the pending trials of one configuration, model and repetition on one fresh
 * server (load levels in order), or the capacity search of one (model, workload). Run by the study worker
 * (study-worker.ts), in the explore process or in a `servelab worker`, against the promise-based store.
 */
import { ServelabError } from '../core/errors.js';
import type { Configuration } from '../core/space.js';
import type { TrialExtras } from '../core/trial-measurement.js';
import { levelRate } from '../load/levels.js';
import type { Study } from '../plan/study-schema.js';
import type { AsyncResultsStore } from '../store/async-store.js';
import type { CapacityRecord, TrialMeasurement } from '../store/types.js';
import { measuredCpus } from './cpu-layout.js';
import { searchUntilUndisturbed } from './capacity-remeasure.js';
import { readCpuTimes } from './cpu-steal.js';
import type { CapacityRequest, LoadDriver } from './load-driver.js';
import { measureTrial, servedModelName } from './measure-trial.js';
import { measureUntilUndisturbed } from './remeasure.js';
import { TrialFailure } from './server-process.js';
import { oneLine, startSession, type ServerSession, type SessionSettings } from './server-session.js';
import { trialDuration, type TrialDuration } from './trial-duration.js';
import { protocolOf, trialLabel, type TrialSpec } from './trial-plan.js';

export type UnitStore = Pick<AsyncResultsStore, 'trial' | 'startTrial' | 'completeTrial' | 'failTrial' | 'discardAttempt' | 'capacity' | 'saveCapacity'>;

export interface UnitContext {
  readonly store: UnitStore;
  readonly driver: LoadDriver;
  /** How this machine starts and meters the study's servers; carries the study. */
  readonly settings: SessionSettings;
  /** Extra facts stored with every measurement's applied knobs, e.g. which worker machine ran it. */
  readonly appliedExtras?: TrialExtras;
  readonly onTrialStarted?: (trial: TrialSpec) => void;
  readonly onTrialEnded?: (trial: TrialSpec, outcome: UnitTrialOutcome) => void;
  /** A disturbed measurement was set aside and the trial is measured again (remeasure.ts). */
  readonly onTrialRemeasured?: (trial: TrialSpec, disturbed: TrialMeasurement) => void;
  /** A capacity search the hypervisor disturbed (steal over the study's limit) is run again. */
  readonly onCapacityRemeasured?: (steal: number) => void;
}

export type UnitTrialOutcome =
  | { readonly state: 'completed'; readonly measurement: TrialMeasurement; readonly recorded: boolean }
  | { readonly state: 'failed'; readonly failure: TrialFailure; readonly recorded: boolean };

/** Trials of a unit that still need measuring: neither completed nor failed in the store. Each must be planned there. */
export async function pendingTrials(store: Pick<AsyncResultsStore, 'trial'>, trials: readonly TrialSpec[]): Promise<TrialSpec[]> {
  const pending: TrialSpec[] = [];
  for (const trial of trials) {
    const stored = await store.trial(trial.trialId);
    if (!stored) throw new ServelabError(`trial ${trial.trialId} (${trialLabel(trial)}) of study '${trial.studyId}' is not planned in the store; expected the study driver to plan a unit's trials before queueing it`, 'internal');
    if (stored.state !== 'completed' && stored.state !== 'failed') pending.push(trial);
  }
  return pending;
}

/** Runs the trials (one configuration, model and repetition) on one server; every trial ends recorded. */
export async function runTrialUnit(context: UnitContext, configuration: Configuration, trials: readonly TrialSpec[]): Promise<UnitTrialOutcome[]> {
  const { store } = context;
  const { study } = context.settings;
  const outcomes: UnitTrialOutcome[] = [];
  let session: ServerSession | undefined;
  let startFailure: TrialFailure | undefined;
  try {
    for (const trial of trials) {
      context.onTrialStarted?.(trial);
      await store.startTrial(trial.trialId);
      let outcome: UnitTrialOutcome;
      try {
        if (startFailure) throw startFailure;
        if (!session) {
          try {
            session = await startSession(context.settings, configuration, trial.context.model);
          } catch (error) {
            // A server that can't start for this configuration won't start for its next load level either.
            startFailure = asTrialFailure(error);
            throw startFailure;
          }
        }
        const rate = await rateOf(study, store, trial);
        let duration: TrialDuration;
        try {
          duration = trialDuration(study, rate.rateRps, trialLabel(trial));
        } catch (error) {
          throw new TrialFailure('invalid-config', oneLine(error));
        }
        const running = session;
        const measure = async (): Promise<TrialMeasurement> => {
          const measured = await measureTrial(running, trial, {
            study,
            driver: context.driver,
            protocol: protocolOf(configuration, study),
            ...rate,
            duration,
            cpus: measuredCpus(context.settings.layout),
            seed: study.seed * 1000 + trial.repetition,
          });
          return context.appliedExtras ? { ...measured, applied: { ...measured.applied, ...context.appliedExtras } } : measured;
        };
        const measurement = await measureUntilUndisturbed(measure, {
          remeasure: study.validity.remeasure,
          discard: async (disturbed) => {
            if (!(await store.discardAttempt(trial.trialId, disturbed))) return false;
            context.onTrialRemeasured?.(trial, disturbed);
            await store.startTrial(trial.trialId);
            return true;
          },
        });
        outcome = { state: 'completed', measurement, recorded: await store.completeTrial(trial.trialId, measurement) };
      } catch (error) {
        const failure = asTrialFailure(error);
        const extras = context.appliedExtras ? { metrics: {}, valid: false, applied: context.appliedExtras } : undefined;
        outcome = { state: 'failed', failure, recorded: await store.failTrial(trial.trialId, { kind: failure.kind, reason: failure.message }, extras) };
        if (session) {
          await session.stop();
          session = undefined; // the next load level gets a fresh server
        }
      }
      outcomes.push(outcome);
      context.onTrialEnded?.(trial, outcome);
    }
  } finally {
    await session?.stop();
  }
  return outcomes;
}

/**
 * Measures and stores the saturation throughput of a model with a workload on a default-settings server; a search
 * the hypervisor disturbed is run again on the same server (capacity-remeasure.ts), and the record keeps the
 * steal of the search it stores.
 */
export async function measureCapacity(context: Omit<UnitContext, 'onTrialStarted' | 'onTrialEnded'>, model: string, workload: string): Promise<CapacityRecord> {
  const { study } = context.settings;
  const cpus = measuredCpus(context.settings.layout);
  let session: ServerSession | undefined;
  try {
    session = await startSession(context.settings, {}, model);
    const capacity = study.load.capacity;
    const request: CapacityRequest = {
      target: { http: session.ready.http, grpc: session.ready.grpc },
      protocol: protocolOf({}, study),
      model: servedModelName(session, model),
      workload,
      seed: study.seed,
      stepDurationMs: capacity.stepDurationMs,
      ...(capacity.maxP99Ms === undefined ? {} : { maxP99Ms: capacity.maxP99Ms }),
      ...(capacity.maxErrorRate === undefined ? {} : { maxErrorRate: capacity.maxErrorRate }),
      ...(capacity.startRps === undefined ? {} : { startRps: capacity.startRps }),
    };
    const { result, steal } = await searchUntilUndisturbed(() => context.driver.capacity(request), {
      maxCpuSteal: study.validity.maxCpuSteal,
      remeasure: study.validity.remeasure,
      readCpuTimes: () => readCpuTimes(cpus),
      ...(context.onCapacityRemeasured ? { onRemeasured: context.onCapacityRemeasured } : {}),
    });
    const details = steal === undefined ? result.details : { ...(result.details as object), cpuSteal: steal };
    const record: CapacityRecord = { model, workload, capacityRps: result.capacityRps, method: result.method, details };
    await context.store.saveCapacity(study.name, record);
    return record;
  } catch (error) {
    throw new ServelabError(`cannot measure the capacity of ${model} with ${workload} for the stress levels: ${oneLine(error)}`, 'unavailable');
  } finally {
    await session?.stop();
  }
}

/** The offered rate of a trial's load point: explicit, or its stress level's fraction of the stored capacity. */
export async function rateOf(study: Study, store: UnitStore, trial: TrialSpec): Promise<{ rateRps?: number }> {
  const point = trial.point;
  if (point.rateRps !== undefined) return { rateRps: point.rateRps };
  if (point.level === undefined) return {};
  const capacity = await store.capacity(study.name, trial.context.model, trial.context.workload);
  if (!capacity) throw new ServelabError(`no measured capacity for ${trial.context.model} with ${trial.context.workload}`, 'internal');
  return { rateRps: levelRate(point.level, capacity.capacityRps, study.load.capacity.fractions) };
}

export function asTrialFailure(error: unknown): TrialFailure {
  if (error instanceof TrialFailure) return error;
  if (error instanceof ServelabError) return new TrialFailure(error.code === 'invalid-input' ? 'invalid-config' : 'load-error', oneLine(error));
  return new TrialFailure('load-error', oneLine(error));
}
