import type { Clock } from '../core/clock.js';

/**
 * Admission control by expected queueing delay: a request is refused at arrival when the work already queued
 * and running ahead of it would keep it waiting longer than a bound. Queueing work that will be answered late
 * only makes every later request late too (and, past the client's timeout, wastes the instance's time).
 */

/** How far back the service-time mean looks: samples older than about this weigh little. */
const SERVICE_TIME_HORIZON_MS = 1000;
/** Floor on a sample's weight, so answers that land in the same instant still count. */
const MIN_SAMPLE_WEIGHT = 1 / 1024;

/**
 * Exponentially weighted mean of the time one batch holds one instance, weighted by time on the clock: a
 * sample's weight grows with the time since the previous one, so the mean covers about the last second of
 * batches at any rate, and after an idle spell the first new sample mostly replaces it.
 */
export class ServiceTimeEstimate {
  readonly #clock: Clock;
  #meanMs: number | null = null;
  #lastSampleMs = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** The mean per-batch service time (ms), or null before the first batch. */
  get meanMs(): number | null {
    return this.#meanMs;
  }

  observe(serviceMs: number): void {
    if (!Number.isFinite(serviceMs) || serviceMs < 0) return;
    const nowMs = this.#clock.nowMs();
    if (this.#meanMs === null) {
      this.#meanMs = serviceMs;
    } else {
      const weight = Math.max(MIN_SAMPLE_WEIGHT, 1 - Math.exp(-(nowMs - this.#lastSampleMs) / SERVICE_TIME_HORIZON_MS));
      this.#meanMs += weight * (serviceMs - this.#meanMs);
    }
    this.#lastSampleMs = nowMs;
  }
}

/** What is ahead of a new request. */
export interface QueueAhead {
  /** Requests waiting in the batch queue. */
  readonly queuedRequests: number;
  /** Rows those requests hold (a request may carry several). */
  readonly queuedRows: number;
  /** Batches dispatched and not yet answered (on an instance, or prefetched behind one). */
  readonly runningBatches: number;
  /** Rows of the arriving request (with batching on, they decide whether it joins the last queued batch). */
  readonly arrivingRows: number;
}

export interface ModelCapacityShape {
  readonly instances: number;
  /** maxBatchSize with batching on (queued rows fill batches this large); null when every request runs alone. */
  readonly rowsPerBatch: number | null;
}

/**
 * Expected wait (ms) of a request arriving now before an instance starts its batch: the batches queued ahead
 * of it, those prefetched behind busy instances, and half a batch for each busy instance (the mean residual
 * of a batch in progress), shared by the instances. With batching on, the queued rows fill full batches ahead
 * of the request unless it fits into the last, partial one.
 */
export function expectedQueueDelayMs(ahead: QueueAhead, shape: ModelCapacityShape, serviceMs: number): number {
  const queuedBatches =
    shape.rowsPerBatch === null ? ahead.queuedRequests : Math.floor((ahead.queuedRows + Math.max(1, ahead.arrivingRows) - 1) / shape.rowsPerBatch);
  const onInstances = Math.min(ahead.runningBatches, shape.instances);
  const prefetched = ahead.runningBatches - onInstances;
  return ((queuedBatches + prefetched + onInstances / 2) * serviceMs) / shape.instances;
}

export type AdmissionDecision =
  | { readonly admit: true }
  | { readonly admit: false; readonly expectedDelayMs: number; readonly maxQueueDelayMs: number; readonly serviceMs: number };

/** Admits unless a bound is set, the service time is known, and the expected delay exceeds the bound. */
export function decideAdmission(ahead: QueueAhead, shape: ModelCapacityShape, serviceMs: number | null, maxQueueDelayMs: number | null): AdmissionDecision {
  if (maxQueueDelayMs === null || maxQueueDelayMs <= 0 || serviceMs === null) return { admit: true };
  const expectedDelayMs = expectedQueueDelayMs(ahead, shape, serviceMs);
  if (expectedDelayMs <= maxQueueDelayMs) return { admit: true };
  return { admit: false, expectedDelayMs, maxQueueDelayMs, serviceMs };
}
