/**
 * The study queue of a single-machine study: jobs run one at a time, in the order added, by one local worker
 * in this process. No retries: a job that throws (a store error, a capacity that cannot be measured, a lost
 * lease) ends the study with its error, as a single-machine run always did; trial failures never throw, they
 * are recorded by the worker.
 */
import type { ExhaustedJob, StudyQueue } from './study-queue.js';
import { jobId, type StudyJob } from './study-jobs.js';

export type RunJob = (job: StudyJob) => Promise<unknown>;

export class InProcessQueue implements StudyQueue {
  readonly #run: RunJob;
  readonly #waiting: StudyJob[] = [];
  /** Ids of the jobs waiting or running: added again, they are not run twice. */
  readonly #pending = new Set<string>();
  #running: Promise<void> | undefined;
  #failure: { readonly error: unknown } | undefined;
  #closed = false;
  #idle: (() => void)[] = [];

  constructor(run: RunJob) {
    this.#run = run;
  }

  async add(job: StudyJob): Promise<void> {
    const id = jobId(job);
    if (this.#closed || this.#failure || this.#pending.has(id)) return;
    this.#pending.add(id);
    this.#waiting.push(job);
    this.#running ??= this.#drain();
  }

  async exhausted(_job: StudyJob): Promise<ExhaustedJob | undefined> {
    return undefined; // a failing job ends the study instead (nextChange rejects)
  }

  nextChange(_pollMs: number): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure.error);
    if (!this.#running) return Promise.resolve();
    return new Promise((resolve, reject) => this.#idle.push(() => (this.#failure ? reject(this.#failure.error) : resolve())));
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#waiting.length = 0;
    await this.#running;
  }

  async #drain(): Promise<void> {
    try {
      for (let job = this.#waiting.shift(); job && !this.#closed; job = this.#waiting.shift()) {
        try {
          await this.#run(job);
        } catch (error) {
          this.#failure = { error };
          this.#waiting.length = 0;
        } finally {
          this.#pending.delete(jobId(job));
        }
      }
    } finally {
      this.#pending.clear();
      this.#running = undefined;
      const waiters = this.#idle;
      this.#idle = [];
      for (const wake of waiters) wake();
    }
  }
}
