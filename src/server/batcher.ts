import type { Clock } from '../core/clock.js';
import { ServelabError } from '../core/errors.js';

export interface BatcherOptions {
  /** false: every request runs on its own (the queue stays bounded all the same). */
  readonly enabled: boolean;
  readonly maxBatchSize: number;
  readonly maxQueueDelayUs: number;
  readonly preferredBatchSizes: readonly number[];
  readonly maxQueueSize: number;
  /** Batches that may run at once (the model's instances). */
  readonly concurrency: number;
  /**
   * Full batches that may wait at busy instances beyond `concurrency`, so an instance goes from one full batch
   * straight to the next without waiting for the I/O thread (only full batches: partial ones keep filling here).
   */
  readonly prefetch?: number;
}

export interface QueuedItem {
  /** Rows this request contributes to a batch. */
  readonly batchSize: number;
  /** Only items with equal keys are batched together. */
  readonly groupKey: string;
}

/** How long a dispatched request waited in the batcher, and how much of that the batcher chose to wait. */
export interface QueueWait {
  /** From submission to dispatch. */
  readonly queuedMs: number;
  /**
   * The part of queuedMs during which an instance was free: the request was held to fill a batch (batching wait),
   * not kept waiting by busy instances. Zero without batching.
   */
  readonly batchingMs: number;
}

/**
 * Runs one batch. It may call release() as soon as its model instance is free (before answering the requests),
 * so the next batch starts while this one's responses are written; the batcher releases when it settles otherwise.
 */
export type BatchExecutor<T> = (batch: T[], waits: QueueWait[], release: () => void) => Promise<void>;

interface Entry<T extends QueuedItem> {
  readonly item: T;
  readonly enqueuedMs: number;
  /** The batcher's free-instance clock (#freeInstanceMs) at submission. */
  readonly enqueuedFreeMs: number;
}

/**
 * Dynamic batcher with Triton / TF Serving semantics. Whenever an instance is free it looks at the oldest
 * waiting request and the requests of the same group behind it: it dispatches at once when they fill
 * maxBatchSize or exactly a preferred batch size (the largest such), otherwise it waits until the oldest has
 * waited maxQueueDelayUs and dispatches what is there. A full queue rejects new requests at once.
 */
export class DynamicBatcher<T extends QueuedItem> {
  readonly #options: BatcherOptions;
  readonly #clock: Clock;
  readonly #execute: BatchExecutor<T>;
  #queue: Entry<T>[] = [];
  #queuedRows = 0;
  #running = 0;
  #timerDeadlineMs: number | null = null;
  #idleWaiters: (() => void)[] = [];
  /** Time during which fewer batches ran than there are instances, up to #freeSinceMs (a clock that stops while all are busy). */
  #freeInstanceMs = 0;
  #freeSinceMs: number | null;

  constructor(options: BatcherOptions, clock: Clock, execute: BatchExecutor<T>) {
    this.#options = options;
    this.#clock = clock;
    this.#execute = execute;
    this.#freeSinceMs = clock.nowMs();
  }

  get queueDepth(): number {
    return this.#queue.length;
  }

  /** Rows the waiting requests hold together. */
  get queuedRows(): number {
    return this.#queuedRows;
  }

  get running(): number {
    return this.#running;
  }

  /** Queues a request; throws a 'resource-exhausted' ServelabError when the queue is full. */
  submit(item: T): void {
    if (this.#queue.length >= this.#options.maxQueueSize) {
      throw new ServelabError(`queue full: ${this.#options.maxQueueSize} requests already waiting (batching.maxQueueSize)`, 'resource-exhausted');
    }
    const nowMs = this.#clock.nowMs();
    this.#queue.push({ item, enqueuedMs: nowMs, enqueuedFreeMs: this.#freeInstanceClock(nowMs) });
    this.#queuedRows += item.batchSize;
    this.#pump();
  }

  /** Resolves when nothing waits or runs (used to drain on shutdown). */
  idle(): Promise<void> {
    if (this.#queue.length === 0 && this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #pump(): void {
    const limit = this.#options.concurrency + (this.#options.prefetch ?? 0);
    while (this.#running < limit && this.#queue.length > 0) {
      const fullOnly = this.#running >= this.#options.concurrency;
      const take = this.#nextBatch(fullOnly);
      if (take === null) return;
      const entries = take.map((index) => this.#queue[index]!);
      const taken = new Set(take);
      this.#queue = this.#queue.filter((_, index) => !taken.has(index));
      for (const entry of entries) this.#queuedRows -= entry.item.batchSize;
      const nowMs = this.#clock.nowMs();
      const freeMs = this.#freeInstanceClock(nowMs);
      this.#setRunning(this.#running + 1, nowMs);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        this.#setRunning(this.#running - 1, this.#clock.nowMs());
        this.#pump();
        if (this.#queue.length === 0 && this.#running === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
      };
      void this.#execute(
        entries.map((entry) => entry.item),
        entries.map((entry) => ({ queuedMs: nowMs - entry.enqueuedMs, batchingMs: Math.min(nowMs - entry.enqueuedMs, freeMs - entry.enqueuedFreeMs) })),
        release,
      ).finally(release);
    }
  }

  /** The free-instance clock at nowMs: it advances only while an instance is free. */
  #freeInstanceClock(nowMs: number): number {
    return this.#freeInstanceMs + (this.#freeSinceMs === null ? 0 : nowMs - this.#freeSinceMs);
  }

  #setRunning(running: number, nowMs: number): void {
    this.#freeInstanceMs = this.#freeInstanceClock(nowMs);
    this.#running = running;
    this.#freeSinceMs = running < this.#options.concurrency ? nowMs : null;
  }

  /** Queue indices to dispatch now, or null to wait (a timer is armed for the oldest request's deadline). */
  #nextBatch(fullOnly: boolean): number[] | null {
    const oldest = this.#queue[0]!;
    const { enabled, maxBatchSize, maxQueueDelayUs, preferredBatchSizes } = this.#options;
    if (!enabled) return [0];
    const indices: number[] = [];
    const cumulative: number[] = [];
    let rows = 0;
    let full = false;
    for (let index = 0; index < this.#queue.length; index++) {
      const entry = this.#queue[index]!;
      if (entry.item.groupKey !== oldest.item.groupKey) continue;
      if (rows + entry.item.batchSize > maxBatchSize) {
        full = indices.length > 0;
        if (full) break;
      }
      indices.push(index);
      rows += entry.item.batchSize;
      cumulative.push(rows);
      if (rows >= maxBatchSize) {
        full = true;
        break;
      }
    }
    if (full) return indices;
    if (fullOnly) return null;
    const preferred = [...preferredBatchSizes].sort((a, b) => b - a).find((size) => cumulative.includes(size));
    if (preferred !== undefined) return indices.slice(0, cumulative.indexOf(preferred) + 1);
    const deadlineMs = oldest.enqueuedMs + maxQueueDelayUs / 1000;
    const nowMs = this.#clock.nowMs();
    if (nowMs >= deadlineMs) return indices;
    this.#armTimer(deadlineMs, nowMs);
    return null;
  }

  #armTimer(deadlineMs: number, nowMs: number): void {
    if (this.#timerDeadlineMs !== null && this.#timerDeadlineMs <= deadlineMs) return;
    this.#timerDeadlineMs = deadlineMs;
    void this.#clock.sleepMs(deadlineMs - nowMs).then(() => {
      if (this.#timerDeadlineMs === deadlineMs) this.#timerDeadlineMs = null;
      this.#pump();
    });
  }
}
