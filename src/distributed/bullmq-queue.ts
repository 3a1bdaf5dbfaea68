/**
 * The study queue of a distributed study: BullMQ on Redis, served by `servelab worker` processes on other
 * machines. A job's id is its content's (study-jobs.ts's jobId), so adding it again is a no-op while BullMQ
 * keeps it; a job is tried three times before the driver records its unit as failed.
 */
import { Queue } from 'bullmq';
import type { ExhaustedJob, StudyQueue } from '../run/study-queue.js';
import { jobId, type StudyJob } from '../run/study-jobs.js';
import { redisConnection } from './connection.js';

export const STUDY_QUEUE = 'servelab-study';

/** What a worker returns for a job, kept by BullMQ (bench:distributed reads it). */
export interface StudyJobResult {
  readonly kind: StudyJob['kind'];
  readonly worker: string;
  /** Trials (or a capacity) this run recorded; a duplicate (already recorded elsewhere) is not counted. */
  readonly recorded: number;
  readonly duplicates: number;
  readonly workMs: number;
  /** Time spent on the store around the work, for the coordination-overhead figure. */
  readonly coordinationMs: number;
}

export class BullmqStudyQueue implements StudyQueue {
  readonly #queue: Queue<StudyJob, StudyJobResult>;

  constructor(queueUrl: string) {
    this.#queue = new Queue<StudyJob, StudyJobResult>(STUDY_QUEUE, { connection: redisConnection(queueUrl) });
    this.#queue.on('error', () => undefined); // ioredis reconnects; errors surface on the next command
  }

  async add(job: StudyJob): Promise<void> {
    await this.#queue.add(job.kind, job, {
      jobId: jobId(job),
      attempts: 3,
      backoff: { type: 'exponential', delay: 2_000 },
      removeOnComplete: { count: 100_000 },
      removeOnFail: { count: 100_000 },
    });
  }

  async exhausted(job: StudyJob): Promise<ExhaustedJob | undefined> {
    const found = await this.#queue.getJob(jobId(job));
    if (!found || !(await found.isFailed()) || found.attemptsMade < (found.opts.attempts ?? 1)) return undefined;
    return { attempts: found.attemptsMade, reason: found.failedReason };
  }

  nextChange(pollMs: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, pollMs));
  }

  async close(): Promise<void> {
    await this.#queue.close();
  }
}
