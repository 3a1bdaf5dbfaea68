/**
 * Where the study driver (study-driver.ts) leaves work for workers. One machine: an in-process queue feeding
 * one local worker (in-process-queue.ts). Several: BullMQ on Redis feeding `servelab worker` processes
 * (distributed/bullmq-queue.ts). The driver sees only this interface.
 */
import type { StudyJob } from './study-jobs.js';

/** A job that failed on every attempt the queue gives it: the worker itself failed, not a trial. */
export interface ExhaustedJob {
  readonly attempts: number;
  readonly reason: string;
}

export interface StudyQueue {
  /** Adds a job unless the queue already holds one with its id (jobId): adding is idempotent. */
  add(job: StudyJob): Promise<void>;
  /** The job's final failure once no attempt is left; undefined while it is queued, running, done or unknown. */
  exhausted(job: StudyJob): Promise<ExhaustedJob | undefined>;
  /**
   * Resolves when the driver should look at the store again: after pollMs for a queue served by other
   * processes; once every queued job has run for the in-process one (nothing else changes the store). Rejects
   * with the error of a job that ends the study.
   */
  nextChange(pollMs: number): Promise<void>;
  /** Takes no further job and waits for the one running here, if any. */
  close(): Promise<void>;
}
