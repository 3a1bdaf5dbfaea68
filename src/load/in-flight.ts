/**
 * Requests in flight: each gets a cancel token and a deadline; a sweeper cancels requests past their
 * deadline (so every request ends, and every run ends), and drain() waits for the rest, bounded in time.
 */
import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import { cancel, type CancelToken } from '../targets/load-client.js';
import { errorKindOf } from '../targets/request-error.js';
import type { LoadRecorder } from './recorder.js';

/** A request in flight is its own cancel token: one object per request on the send path, not two. */
export interface InFlightRequest extends CancelToken {
  readonly deadlineMs: number;
  timedOut: boolean;
}

export class InFlightTracker {
  readonly #requests = new Set<InFlightRequest>();
  #onEmpty: (() => void) | undefined;
  #sweeping = false;

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {}

  get size(): number {
    return this.#requests.size;
  }

  add(nowMs: number): InFlightRequest {
    const request: InFlightRequest = { cancelled: false, onCancel: null, deadlineMs: nowMs + this.timeoutMs, timedOut: false };
    this.#requests.add(request);
    return request;
  }

  remove(request: InFlightRequest): void {
    this.#requests.delete(request);
    if (this.#requests.size === 0) this.#onEmpty?.();
  }

  /** Starts the deadline sweeper; it runs until stop(). */
  startSweeper(): void {
    this.#sweeping = true;
    const intervalMs = Math.max(1, Math.min(100, this.timeoutMs / 4));
    void (async () => {
      while (this.#sweeping) {
        await this.clock.sleepMs(intervalMs);
        this.abortExpired(this.clock.nowMs());
      }
    })();
  }

  abortExpired(nowMs: number): void {
    for (const request of this.#requests) {
      if (request.deadlineMs <= nowMs && !request.timedOut) {
        request.timedOut = true;
        cancel(request);
      }
    }
  }

  /** Waits until nothing is in flight, or until the last deadline has passed and the stragglers are aborted. */
  async drain(): Promise<void> {
    if (this.#requests.size === 0) return;
    const lastDeadlineMs = Math.max(...[...this.#requests].map((request) => request.deadlineMs));
    const empty = new Promise<void>((resolve) => (this.#onEmpty = resolve));
    // Cancelled once nothing is in flight: a pending deadline would hold the process open for the request timeout.
    const drained = new AbortController();
    const deadline = this.clock.sleepMs(Math.max(0, lastDeadlineMs - this.clock.nowMs()) + 1, drained.signal).then(() => {
      if (drained.signal.aborted) return;
      for (const request of this.#requests) {
        request.timedOut = true;
        cancel(request);
      }
    });
    try {
      await Promise.race([empty, deadline]);
    } finally {
      drained.abort();
    }
    // Aborted requests settle on their own microtask turns; give them a moment to be recorded.
    if (this.#requests.size > 0) await Promise.race([empty, new Promise((resolve) => setTimeout(resolve, 50))]);
  }

  stop(): void {
    this.#sweeping = false;
  }
}

/** Records a failed request under its kind ('timeout' when its deadline cancelled it), with its message. */
export function recordFailure(recorder: LoadRecorder, error: unknown, timedOut: boolean, doneMs: number): void {
  if (timedOut) recorder.recordError('timeout', doneMs);
  else recorder.recordError(errorKindOf(error), doneMs, errorMessage(error));
}
