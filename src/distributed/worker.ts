/**
 * `servelab worker`: takes one job at a time from the study queue and runs it on this machine with the study
 * worker explore itself uses (run/study-worker.ts), writing results to the shared store. A worker killed
 * mid-job stops renewing its lock; BullMQ then hands the job to another worker, and the store's "complete
 * once" rule keeps a trial from being counted twice.
 */
import { Worker, type Job } from 'bullmq';
import { errorMessage } from '../core/errors.js';
import { detectOsCapabilities } from '../knobs/detect.js';
import type { LoadDriver } from '../run/load-driver.js';
import { parseStudyJob } from '../run/study-jobs.js';
import { StudyWorker } from '../run/study-worker.js';
import type { AsyncResultsStore } from '../store/async-store.js';
import { STUDY_QUEUE, type StudyJobResult } from './bullmq-queue.js';
import { redisConnection } from './connection.js';
import { describeWorker, type WorkerInfo } from './worker-info.js';

export interface QueueWorkerOptions {
  readonly queueUrl: string;
  readonly store: AsyncResultsStore;
  /** Default: servelab's load generator, pinned to the CPUs each study's layout reserves for it. */
  readonly driver?: LoadDriver;
  /** Worker name recorded with each trial; the host name by default. */
  readonly name?: string;
  /** How long a job's lock lasts without renewal: after a worker dies, its job is retried once this passes. */
  readonly lockDurationMs?: number;
  readonly readyTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface RunningStudyWorker {
  readonly info: WorkerInfo;
  close(): Promise<void>;
}

export async function startStudyWorker(options: QueueWorkerOptions): Promise<RunningStudyWorker> {
  const info = describeWorker(options.name);
  const log = options.log ?? ((line: string) => console.error(line));
  const lockDurationMs = options.lockDurationMs ?? 30_000;
  // One job at a time, so the store time added up while a job runs is that job's.
  const timing = { storeMs: 0 };
  const studyWorker = new StudyWorker({
    store: timedStore(options.store, timing),
    capabilities: detectOsCapabilities(),
    ...(options.driver ? { driver: options.driver } : {}),
    ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
    extras: { worker: info },
    events: {
      capacityStarted: (_study, model, workload) => log(`worker ${info.host}: measuring the capacity of ${model} with ${workload}`),
      capacityRemeasured: (_study, model, workload, steal) => log(`worker ${info.host}: measuring the capacity of ${model} with ${workload} again: steal ${(steal * 100).toFixed(1)}% during the search`),
      trialRemeasured: (_configuration, trial) => log(`worker ${info.host}: measuring ${trial.trialId} again: the machine disturbed its run`),
      trialEnded: (_configuration, trial, outcome) =>
        log(`worker ${info.host}: ${outcome.state} ${trial.trialId} ${trial.context.model} ${trial.context.workload} ${trial.context.load}${outcome.state === 'failed' ? ` (${outcome.failure.kind}: ${outcome.failure.message})` : ''}`),
    },
  });

  const runJob = async (job: Job<unknown, StudyJobResult>): Promise<StudyJobResult> => {
    const startedMs = performance.now();
    timing.storeMs = 0;
    const data = parseStudyJob(job.data);
    const { recorded, duplicates } = await studyWorker.run(data);
    const totalMs = performance.now() - startedMs;
    return { kind: data.kind, worker: info.host, recorded, duplicates, workMs: totalMs - timing.storeMs, coordinationMs: timing.storeMs };
  };

  const worker = new Worker<unknown, StudyJobResult>(STUDY_QUEUE, runJob, {
    connection: redisConnection(options.queueUrl),
    concurrency: 1, // one trial at a time: trials on one machine must not disturb each other's measurements
    lockDuration: lockDurationMs,
    stalledInterval: Math.max(1_000, Math.round(lockDurationMs / 2)),
    maxStalledCount: 5,
    autorun: true,
  });
  worker.on('failed', (job, error) => log(`worker ${info.host}: job ${job?.id ?? '?'} failed: ${errorMessage(error)}`));
  worker.on('error', (error) => log(`worker ${info.host}: queue error (reconnecting): ${errorMessage(error)}`));
  await worker.waitUntilReady();
  log(`worker ${info.host} ready (${info.cores} cores, ${info.cpuModel})`);
  return {
    info,
    close: async () => {
      await worker.close();
      await studyWorker.close();
    },
  };
}

/** The store with every call's time added up, to separate coordination from measuring. */
function timedStore(store: AsyncResultsStore, timing: { storeMs: number }): AsyncResultsStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const startedMs = performance.now();
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          timing.storeMs += performance.now() - startedMs;
        }
      };
    },
  });
}
