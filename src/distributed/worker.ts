/**
 * `servelab worker`: takes one job at a time from the study queue and runs it on this machine exactly as the
 * single-machine runner does (trial-unit.ts), writing results to the shared store. A worker killed mid-job
 * stops renewing its lock; BullMQ then hands the job to another worker, and the store's "complete once"
 * rule keeps a trial from being counted twice.
 */
import { Worker, type Job } from 'bullmq';
import { errorMessage } from '../core/errors.js';
import { detectOsCapabilities } from '../knobs/detect.js';
import type { Study } from '../plan/study-schema.js';
import { studyEnvironment } from '../run/environment.js';
import { describeCpuLayout } from '../run/cpu-layout.js';
import { driverForLayout } from '../run/default-driver.js';
import type { LoadDriver } from '../run/load-driver.js';
import { sessionSettingsFor, type SessionSettings } from '../run/server-session.js';
import { measureCapacity, pendingTrials, runTrialUnit } from '../run/trial-unit.js';
import { trialsOf } from '../run/trial-plan.js';
import type { AsyncResultsStore } from '../store/async-store.js';
import { redisConnection } from './connection.js';
import { STUDY_QUEUE, type StudyJobData, type StudyJobResult } from './study-jobs.js';
import { describeWorker, type WorkerInfo } from './worker-info.js';

export interface StudyWorkerOptions {
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

export async function startStudyWorker(options: StudyWorkerOptions): Promise<RunningStudyWorker> {
  const info = describeWorker(options.name);
  const log = options.log ?? ((line: string) => console.error(line));
  const capabilities = detectOsCapabilities();
  const lockDurationMs = options.lockDurationMs ?? 30_000;
  const environmentRecorded = new Set<string>();
  // One generator process per layout, kept for the worker's life (studies with the same layout share it).
  const drivers = new Map<string, LoadDriver>();
  const driverFor = (settings: SessionSettings): LoadDriver => {
    if (options.driver) return options.driver;
    const key = describeCpuLayout(settings.layout);
    let driver = drivers.get(key);
    if (!driver) drivers.set(key, (driver = driverForLayout(settings.layout)));
    return driver;
  };

  const runJob = async (job: Job<StudyJobData, StudyJobResult>): Promise<StudyJobResult> => {
    const startedMs = performance.now();
    const timing = { storeMs: 0 };
    const store = timedStore(options.store, timing);
    const study = job.data.study as Study;
    const settings = sessionSettingsFor(study, capabilities, options.readyTimeoutMs ?? 120_000);
    const context = { study, store, driver: driverFor(settings), settings, appliedExtras: { worker: info } };
    if (!environmentRecorded.has(study.name)) {
      await recordWorkerEnvironment(store, study, info, settings);
      environmentRecorded.add(study.name);
    }
    let recorded = 0;
    let duplicates = 0;
    if (job.data.kind === 'capacity') {
      if (await store.capacity(study.name, job.data.model, job.data.workload)) duplicates++;
      else {
        log(`worker ${info.host}: measuring the capacity of ${job.data.model} with ${job.data.workload}`);
        await measureCapacity(context, job.data.model, job.data.workload);
        recorded++;
      }
    } else {
      const { configuration, model, repetition } = job.data;
      const unit = trialsOf(study, configuration).filter((trial) => trial.context.model === model && trial.repetition === repetition);
      const pending = await pendingTrials(store, unit);
      duplicates += unit.length - pending.length;
      const outcomes = await runTrialUnit(
        {
          ...context,
          onTrialEnded: (trial, outcome) =>
            log(`worker ${info.host}: ${outcome.state} ${trial.trialId} ${trial.context.model} ${trial.context.workload} ${trial.context.load}${outcome.state === 'failed' ? ` (${outcome.failure.kind}: ${outcome.failure.message})` : ''}`),
        },
        configuration,
        pending,
      );
      for (const outcome of outcomes) outcome.recorded ? recorded++ : duplicates++;
    }
    const totalMs = performance.now() - startedMs;
    return { kind: job.data.kind, worker: info.host, recorded, duplicates, workMs: totalMs - timing.storeMs, coordinationMs: timing.storeMs };
  };

  const worker = new Worker<StudyJobData, StudyJobResult>(STUDY_QUEUE, runJob, {
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
      await Promise.all([...drivers.values()].map((driver) => driver.close?.()));
    },
  };
}

async function recordWorkerEnvironment(store: AsyncResultsStore, study: Study, info: WorkerInfo, settings: SessionSettings): Promise<void> {
  const environment = await studyEnvironment(settings);
  await store.recordEnvironment(study.name, { ...environment, details: { ...environment.details, worker: info } });
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
