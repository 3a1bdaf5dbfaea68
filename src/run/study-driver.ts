/**
 * The one study driver, behind `servelab explore` on one machine (an in-process queue and one local worker)
 * and with --distributed (BullMQ and `servelab worker` processes). It keeps no state of its own: the study's
 * progress is the store, the work in flight is the queue. It opens and leases the study, measures the
 * capacities stress levels need, then each round re-reads the store, queues a job for every unfinished unit
 * (idempotent, so a restarted driver picks up where the last one stopped: unfinished configurations first)
 * and asks the sampler for more configurations, with the pending ones in its history. A batch's units are
 * queued with repetitions interleaved in a seeded order (run-order.ts).
 */
import { systemClock, type Clock } from '../core/clock.js';
import { ServelabError } from '../core/errors.js';
import { configurationKey, type Configuration } from '../core/space.js';
import type { FailureKind, TrialRow } from '../core/trial.js';
import { outcomesFromRows } from '../plan/outcomes.js';
import { createSampler } from '../plan/samplers/index.js';
import type { Study } from '../plan/study-schema.js';
import type { AsyncResultsStore } from '../store/async-store.js';
import type { StudyLeaseClaim, StudyProgress } from '../store/types.js';
import { ensureCapacities } from './capacity.js';
import { batchSize, interleavedUnits } from './run-order.js';
import { acquireStudyLease, type HeldStudyLease, type StudyLeaseOptions } from './study-lease.js';
import type { StudyQueue } from './study-queue.js';
import { unitJob, type UnitJob } from './study-jobs.js';
import { definitionHash, trialsOf, trialsPerConfiguration, type TrialSpec } from './trial-plan.js';

/**
 * When the sampler is asked for more: 'batches' once nothing is in flight, a batch of run-order.ts's size (one
 * worker, and an adaptive sampler learns from each whole batch); 'in-flight' whenever fewer than parallelism
 * configurations are unfinished (several workers, none left idle).
 */
export type Refill = { readonly kind: 'batches' } | { readonly kind: 'in-flight'; readonly parallelism: number };

export interface StudyDriverEvents {
  /** The study is leased, failed trials to retry are planned again and the expected trials are set; no job is queued yet. */
  started?(start: { readonly planned: number; readonly done: number; readonly retried: number }): Promise<void> | void;
  capacitiesMissing?(count: number): void;
  /** Trials finished since the last round (and on the first round). */
  progressed?(progress: StudyProgress, configurationsInFlight: number): void;
}

export interface StudyDriverOptions {
  /** The study as validated from its file, and that file's text. */
  readonly study: Study;
  readonly sourceText: string;
  readonly store: AsyncResultsStore;
  readonly role: StudyLeaseClaim['role'];
  /** The study lease's timing and identity (tests). */
  readonly lease?: Omit<StudyLeaseOptions, 'role'>;
  /** Opens the queue once the study is leased; the driver closes it. */
  readonly openQueue: (lease: HeldStudyLease) => StudyQueue;
  readonly refill: Refill;
  /** Failed trials to plan again first: every kind, or those listed. */
  readonly retryFailed?: { readonly kinds?: readonly FailureKind[] };
  /** How often to look at the store when the queue is served by other processes. */
  readonly pollMs?: number;
  /** Give up when no trial finishes for this long (no worker running?); absent: no limit. */
  readonly stallTimeoutMs?: number;
  /** Times the stall limit (tests: a VirtualClock). */
  readonly clock?: Clock;
  readonly events?: StudyDriverEvents;
}

export interface StudyDriverResult {
  readonly progress: StudyProgress;
  /** Failed trials planned again by retryFailed. */
  readonly retried: number;
}

export async function driveStudy(options: StudyDriverOptions): Promise<StudyDriverResult> {
  const { study, store } = options;
  await store.openStudy({ studyId: study.name, definitionHash: definitionHash(study), definition: study, sourceText: options.sourceText, seed: study.seed });
  // Before anything is written: a second runner of the same study is refused here. Workers share the store without a lease.
  const lease = await acquireStudyLease(store, study.name, { ...options.lease, role: options.role });
  try {
    return await drive(options, lease);
  } finally {
    await lease.release();
  }
}

async function drive(options: StudyDriverOptions, lease: HeldStudyLease): Promise<StudyDriverResult> {
  const { study, store, events } = options;
  const retried = options.retryFailed ? await store.retryFailedTrials(study.name, options.retryFailed.kinds) : 0;
  const sampler = createSampler(study.sampler, study.space, study.seed, study.objectives);
  const planned = sampler.plannedCount * trialsPerConfiguration(study);
  await store.setExpectedTrials(study.name, planned);
  const before = await store.progress(study.name);
  await events?.started?.({ planned, done: before.completed + before.failed, retried });
  const pollMs = options.pollMs ?? 500;
  const clock = options.clock ?? systemClock;
  const queue = options.openQueue(lease);
  try {
    await ensureCapacities(study, store, queue, pollMs, events?.capacitiesMissing);
    let lastDone = -1;
    let lastChangeMs = clock.nowMs();
    for (;;) {
      lease.assertHeld();
      const rows = await store.trialRows(study.name);
      const unfinished = rows.filter((row) => row.state === 'planned' || row.state === 'running');
      const inFlight = configurationsOf(unfinished);
      await failExhaustedUnits(queue, store, study, unfinished);
      const wanted = options.refill.kind === 'batches' ? (inFlight.length === 0 ? batchSize(sampler.kind, sampler.plannedCount) : 0) : options.refill.parallelism - inFlight.length;
      const asked = wanted > 0 ? sampler.ask(outcomesFromRows(rows, study.objectives), wanted) : [];
      const unfinishedIds = new Set(unfinished.map((row) => row.trialId));
      const resumed = inFlight.map((configuration) => ({ configuration, trials: trialsOf(study, configuration).filter((trial) => unfinishedIds.has(trial.trialId)) }));
      const fresh = asked.map((configuration) => ({ configuration, trials: trialsOf(study, configuration) }));
      for (const { trials } of fresh) await store.planTrials(trials);
      // Unfinished work first, then the new batch: each interleaved in its own seeded order.
      for (const job of [...unitJobs(study, resumed), ...unitJobs(study, fresh)]) await queue.add(job);
      const progress = await store.progress(study.name);
      const done = progress.completed + progress.failed;
      if (done !== lastDone) {
        events?.progressed?.(progress, inFlight.length + asked.length);
        lastDone = done;
        lastChangeMs = clock.nowMs();
      }
      if (inFlight.length === 0 && asked.length === 0) return { progress, retried };
      if (options.stallTimeoutMs !== undefined && clock.nowMs() - lastChangeMs > options.stallTimeoutMs) {
        throw new ServelabError(`no trial finished for ${Math.round(options.stallTimeoutMs / 1000)} s: is a 'servelab worker' running against this queue and store?`, 'unavailable');
      }
      await queue.nextChange(pollMs);
    }
  } finally {
    await queue.close();
  }
}

/** The configurations of the given trials, in the store's order. */
function configurationsOf(trials: readonly TrialRow[]): Configuration[] {
  const byKey = new Map<string, Configuration>();
  for (const row of trials) byKey.set(configurationKey(row.configuration), row.configuration);
  return [...byKey.values()];
}

/** One job per (configuration, model or co-served group, repetition) of the batch, in run order. */
function unitJobs(study: Study, batch: readonly { configuration: Configuration; trials: readonly TrialSpec[] }[]): UnitJob[] {
  return interleavedUnits(batch, study.seed).map(({ configuration, trials }) => jobOfTrial(study, configuration, trials[0]!));
}

function jobOfTrial(study: Study, configuration: Configuration, trial: Pick<TrialSpec, 'context' | 'repetition'>): UnitJob {
  return unitJob(study.name, configuration, trial.context.model, trial.repetition, trial.context.coServed);
}

/** A unit whose job ran out of attempts (not a trial failure: the worker itself failed) fails its trials. */
async function failExhaustedUnits(queue: StudyQueue, store: AsyncResultsStore, study: Study, unfinished: readonly TrialRow[]): Promise<void> {
  const units = new Map<string, { job: UnitJob; rows: TrialRow[] }>();
  // A planned row carries no co-served group (the store keeps it with the measurement): the plan knows it.
  const planned = new Map<string, TrialSpec>();
  for (const row of unfinished) {
    if (!planned.has(row.trialId)) for (const trial of trialsOf(study, row.configuration)) planned.set(trial.trialId, trial);
    const job = jobOfTrial(study, row.configuration, planned.get(row.trialId) ?? row);
    const key = `${job.configurationKey}\u0000${job.model}\u0000${job.repetition}\u0000${job.coServed ?? ''}`;
    const unit = units.get(key) ?? { job, rows: [] };
    unit.rows.push(row);
    units.set(key, unit);
  }
  for (const { job, rows } of units.values()) {
    const exhausted = await queue.exhausted(job);
    if (!exhausted) continue;
    for (const row of rows) await store.failTrial(row.trialId, { kind: 'crash', reason: `the worker failed this unit ${exhausted.attempts} times: ${exhausted.reason}` });
  }
}
