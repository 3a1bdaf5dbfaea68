import { createHash } from 'node:crypto';
import { byteSize, type Tensor } from '../core/tensor.js';

/** Key of a request in the response cache: a hash of the model name and every input's name, type, shape and bytes. */
export function cacheKey(model: string, inputs: readonly Tensor[]): string {
  const hash = createHash('sha1').update(model);
  for (const tensor of inputs) {
    hash.update(`\0${tensor.name}\0${tensor.datatype}\0${tensor.shape.join(',')}\0`);
    if (Array.isArray(tensor.data)) hash.update(JSON.stringify(tensor.data));
    else hash.update(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
  }
  return hash.digest('base64');
}

/** LRU response cache bounded in bytes (outputs' data size plus a small per-entry overhead). */
export class ResponseCache {
  static readonly ENTRY_OVERHEAD_BYTES = 256;
  readonly #capacityBytes: number;
  readonly #entries = new Map<string, { outputs: readonly Tensor[]; bytes: number }>();
  #usedBytes = 0;

  constructor(capacityBytes: number) {
    this.#capacityBytes = capacityBytes;
  }

  get usedBytes(): number {
    return this.#usedBytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): readonly Tensor[] | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    // Re-inserting moves the entry to the most recently used end of the Map's order.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.outputs;
  }

  set(key: string, outputs: readonly Tensor[]): void {
    const bytes = outputs.reduce((n, tensor) => n + byteSize(tensor), ResponseCache.ENTRY_OVERHEAD_BYTES);
    if (bytes > this.#capacityBytes) return;
    const existing = this.#entries.get(key);
    if (existing) {
      this.#usedBytes -= existing.bytes;
      this.#entries.delete(key);
    }
    while (this.#usedBytes + bytes > this.#capacityBytes) {
      const [oldestKey, oldest] = this.#entries.entries().next().value as [string, { bytes: number }];
      this.#entries.delete(oldestKey);
      this.#usedBytes -= oldest.bytes;
    }
    this.#entries.set(key, { outputs, bytes });
    this.#usedBytes += bytes;
  }
}
