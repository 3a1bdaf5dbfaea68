/**
 * `servelab explore --distributed`: the coordinator. It keeps no state of its own: the study's progress is the
 * shared store, the work in flight is the queue. Each round it re-reads the store, makes sure every unfinished
 * unit has its job (idempotent, so a restarted coordinator picks up where the last one stopped), and asks the
 * sampler for more configurations while fewer than `parallelism` are in flight — with the pending ones in its
 * history, so adaptive samplers keep working in batches.
 */
import { readFile } from 'node:fs/promises';
import { Queue } from 'bullmq';
import { ServelabError } from '../core/errors.js';
import { configurationKey } from '../core/space.js';
import type { TrialRow } from '../core/trial.js';
import { outcomesFromRows } from '../plan/outcomes.js';
import { createSampler } from '../plan/samplers/index.js';
import { loadStudy, type Study } from '../plan/study-schema.js';
import { usesStressLevels } from '../run/capacity.js';
import { checkLaunchCommand } from '../run/launch.js';
import { acquireStudyLease, type HeldStudyLease, type StudyLeaseOptions } from '../run/study-lease.js';
import { definitionHash, trialsOf, trialsPerConfiguration } from '../run/trial-plan.js';
import type { AsyncResultsStore } from '../store/async-store.js';
import type { StudyProgress } from '../store/types.js';
import { redisConnection } from './connection.js';
import { jobId, STUDY_QUEUE, type StudyJobData } from './study-jobs.js';

export interface CoordinatorOptions {
  readonly studyPath: string;
  readonly queueUrl: string;
  readonly store: AsyncResultsStore;
  /** Configurations in flight at once; set it to at least the number of workers. */
  readonly parallelism?: number;
  readonly pollMs?: number;
  /** Give up when no trial finishes for this long (no worker running?). */
  readonly stallTimeoutMs?: number;
  readonly log?: (line: string) => void;
  /** The study lease's timing and identity (tests); the role is always coordinator. */
  readonly lease?: Omit<StudyLeaseOptions, 'role'>;
}

export interface CoordinatorSummary extends StudyProgress {
  readonly durationMs: number;
}

export async function coordinateStudy(options: CoordinatorOptions): Promise<CoordinatorSummary> {
  const startedMs = performance.now();
  const log = options.log ?? ((line: string) => console.error(line));
  const study = await loadStudy(options.studyPath);
  const sourceText = await readFile(options.studyPath, 'utf8');
  checkLaunchCommand(study);
  const { store } = options;
  await store.openStudy({ studyId: study.name, definitionHash: definitionHash(study), definition: study, sourceText, seed: study.seed });
  // One coordinator (or explore) per study; workers share the store without a lease.
  const lease = await acquireStudyLease(store, study.name, { ...options.lease, role: 'coordinator' });
  try {
    return await coordinate(study, options, lease, startedMs, log);
  } finally {
    await lease.release();
  }
}

async function coordinate(study: Study, options: CoordinatorOptions, lease: HeldStudyLease, startedMs: number, log: (line: string) => void): Promise<CoordinatorSummary> {
  const { store } = options;
  const sampler = createSampler(study.sampler, study.space, study.seed, study.objectives);
  await store.setExpectedTrials(study.name, sampler.plannedCount * trialsPerConfiguration(study));
  const queue = new Queue<StudyJobData>(STUDY_QUEUE, { connection: redisConnection(options.queueUrl) });
  queue.on('error', () => undefined); // ioredis reconnects; errors surface on the next command
  const enqueue = (data: StudyJobData) =>
    queue.add(data.kind, data, { jobId: jobId(data), attempts: 3, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: { count: 100_000 }, removeOnFail: { count: 100_000 } });
  const pollMs = options.pollMs ?? 500;
  const parallelism = options.parallelism ?? 4;
  const stallTimeoutMs = options.stallTimeoutMs ?? 30 * 60_000;
  try {
    await ensureCapacities(study, store, enqueue, pollMs, log);
    let lastDone = -1;
    let lastChangeMs = performance.now();
    for (;;) {
      lease.assertHeld();
      const rows = await store.trialRows(study.name);
      const unfinished = rows.filter((row) => row.state === 'planned' || row.state === 'running');
      for (const data of unitsOf(study, unfinished)) await enqueue(data);
      await failExhaustedJobs(queue, study, store, unfinished);
      const inFlight = new Set(unfinished.map((row) => configurationKey(row.configuration))).size;
      const asked = inFlight < parallelism ? sampler.ask(outcomesFromRows(rows, study.objectives), parallelism - inFlight) : [];
      for (const configuration of asked) {
        const trials = trialsOf(study, configuration);
        await store.planTrials(trials);
        for (const data of unitsOf(study, trials)) await enqueue(data);
      }
      const progress = await store.progress(study.name);
      const done = progress.completed + progress.failed;
      if (done !== lastDone) {
        log(`study ${study.name}: ${done}/${progress.planned} trials done (${progress.completed} completed, ${progress.failed} failed), ${inFlight + asked.length} configurations in flight`);
        lastDone = done;
        lastChangeMs = performance.now();
      }
      if (inFlight === 0 && asked.length === 0) return { ...progress, durationMs: performance.now() - startedMs };
      if (performance.now() - lastChangeMs > stallTimeoutMs) {
        throw new ServelabError(`no trial finished for ${Math.round(stallTimeoutMs / 1000)} s: is a 'servelab worker' running against this queue and store?`, 'unavailable');
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  } finally {
    await queue.close();
  }
}

/** One job per (configuration, model, repetition) among the given trials. */
function unitsOf(study: Study, trials: readonly Pick<TrialRow, 'configuration' | 'context' | 'repetition'>[]): StudyJobData[] {
  const units = new Map<string, StudyJobData>();
  for (const trial of trials) {
    const data: StudyJobData = { kind: 'unit', studyId: study.name, study, configuration: trial.configuration, model: trial.context.model, repetition: trial.repetition };
    units.set(jobId(data), data);
  }
  return [...units.values()];
}

/** Stress levels need each (model, workload)'s capacity first: measured by a worker, like any other job. */
async function ensureCapacities(study: Study, store: AsyncResultsStore, enqueue: (data: StudyJobData) => Promise<unknown>, pollMs: number, log: (line: string) => void): Promise<void> {
  if (!usesStressLevels(study)) return;
  const missing = async () => {
    const out: { model: string; workload: string }[] = [];
    for (const model of study.models) for (const workload of study.workloads) if (!(await store.capacity(study.name, model, workload))) out.push({ model, workload });
    return out;
  };
  let waiting = await missing();
  if (waiting.length > 0) log(`study ${study.name}: measuring ${waiting.length} capacities on the workers first`);
  for (const { model, workload } of waiting) await enqueue({ kind: 'capacity', studyId: study.name, study, model, workload });
  while (waiting.length > 0) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    waiting = await missing();
  }
}

/** A unit whose job ran out of attempts (not a trial failure: the worker itself failed) fails its trials. */
async function failExhaustedJobs(queue: Queue<StudyJobData>, study: Study, store: AsyncResultsStore, unfinished: readonly TrialRow[]): Promise<void> {
  for (const data of unitsOf(study, unfinished)) {
    const job = await queue.getJob(jobId(data));
    if (!job || !(await job.isFailed()) || job.attemptsMade < (job.opts.attempts ?? 1)) continue;
    for (const row of unfinished) {
      if (data.kind !== 'unit' || row.context.model !== data.model || row.repetition !== data.repetition) continue;
      if (configurationKey(row.configuration) !== configurationKey(data.configuration)) continue;
      await store.failTrial(row.trialId, { kind: 'crash', reason: `the worker failed this unit ${job.attemptsMade} times: ${job.failedReason}` });
    }
  }
}
