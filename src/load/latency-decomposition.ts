/**
 * Per-request latency decomposition (core/latency-components.ts): for every measured success that carried the
 * server's timing, the send lag, transport (service time outside the server's stages), batching wait, other
 * queueing, compute and serialization, kept side by side with the request's latency so the parts can be averaged over all requests
 * and over the requests near the p50 and at or above the p99 latency. 28 bytes per request.
 */
import type { LatencyBand, LatencyComponentKey } from '../core/latency-components.js';
import type { ServerTiming } from '../core/target.js';

const FIELDS = 7; // latency, then the six parts in LATENCY_COMPONENTS order
const P50_BAND: readonly [number, number] = [0.45, 0.55];
const P99_FROM = 0.99;

export type LatencyParts = Readonly<Record<LatencyComponentKey, number>>;

export class LatencyDecomposition {
  #values = new Float32Array(FIELDS * 1024);
  #count = 0;

  get count(): number {
    return this.#count;
  }

  record(scheduledMs: number, sentMs: number, doneMs: number, timing: ServerTiming): void {
    const queueMs = timing.queueUs / 1000;
    const batchingMs = Math.min(queueMs, (timing.batchingUs ?? 0) / 1000);
    const computeMs = timing.computeUs / 1000;
    const serializeMs = (timing.serializeUs ?? 0) / 1000;
    const transportMs = doneMs - sentMs - queueMs - computeMs - serializeMs;
    this.#push(doneMs - scheduledMs, sentMs - scheduledMs, transportMs, batchingMs, queueMs - batchingMs, computeMs, serializeMs);
  }

  merge(other: LatencyDecomposition): void {
    const values = other.#values.subarray(0, other.#count * FIELDS);
    this.#reserve(values.length);
    this.#values.set(values, this.#count * FIELDS);
    this.#count += other.#count;
  }

  /** Mean parts over all requests, the requests between the p45 and p55 latency, and those at or above the p99. */
  summarise(): Readonly<Record<LatencyBand, LatencyParts>> | null {
    if (this.#count === 0) return null;
    const order = Array.from({ length: this.#count }, (_, i) => i).sort((a, b) => this.#values[a * FIELDS]! - this.#values[b * FIELDS]!);
    const slice = (fromQuantile: number, toQuantile: number) => {
      // Rounded, not floored or ceiled: 0.55 × 100 is 55.00000000000001 in floating point.
      const from = Math.min(this.#count - 1, Math.round(fromQuantile * this.#count));
      const to = Math.max(from + 1, Math.round(toQuantile * this.#count));
      return order.slice(from, to);
    };
    return { mean: this.#meanParts(order), p50: this.#meanParts(slice(...P50_BAND)), p99: this.#meanParts(slice(P99_FROM, 1)) };
  }

  /** Base64 of the recorded values, for fan-out workers. */
  toJSON(): string {
    const values = this.#values.subarray(0, this.#count * FIELDS);
    return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
  }

  static fromJSON(encoded: string | undefined): LatencyDecomposition {
    const decomposition = new LatencyDecomposition();
    if (!encoded) return decomposition;
    const bytes = Buffer.from(encoded, 'base64');
    const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    decomposition.#reserve(values.length);
    decomposition.#values.set(values);
    decomposition.#count = values.length / FIELDS;
    return decomposition;
  }

  #meanParts(indexes: readonly number[]): LatencyParts {
    const sums = new Float64Array(FIELDS);
    for (const index of indexes) for (let field = 1; field < FIELDS; field++) sums[field]! += this.#values[index * FIELDS + field]!;
    const mean = (field: number) => sums[field]! / indexes.length;
    return { send_lag: mean(1), transport: mean(2), server_batching: mean(3), server_queue: mean(4), server_compute: mean(5), server_serialize: mean(6) };
  }

  #push(...fields: number[]): void {
    this.#reserve(FIELDS);
    this.#values.set(fields, this.#count * FIELDS);
    this.#count++;
  }

  #reserve(extra: number): void {
    const needed = this.#count * FIELDS + extra;
    if (needed <= this.#values.length) return;
    const grown = new Float32Array(Math.max(needed, this.#values.length * 2));
    grown.set(this.#values.subarray(0, this.#count * FIELDS));
    this.#values = grown;
  }
}
