import { ServelabError } from '../core/errors.js';

/**
 * Bytes of request bodies the server holds at once, across every connection and protocol. Each request
 * takes its share as its body arrives and gives it back once answered, so many large bodies at once are
 * refused (503 / RESOURCE_EXHAUSTED) instead of growing the process without bound.
 */
export class BodyBudget {
  #usedBytes = 0;

  constructor(readonly limitBytes: number) {}

  get usedBytes(): number {
    return this.#usedBytes;
  }

  /** A running charge for one request; release() it when the request is answered or abandoned. */
  charge(): BodyCharge {
    return new BodyCharge(this);
  }

  /** Takes bytes, or throws resource-exhausted naming the limit when they do not fit. */
  take(bytes: number): void {
    if (this.#usedBytes + bytes > this.limitBytes) {
      throw new ServelabError(
        `server busy: request bodies in flight would reach ${this.#usedBytes + bytes} bytes, over the limit of ${this.limitBytes} bytes (maxInFlightBodyBytes); retry later`,
        'resource-exhausted',
      );
    }
    this.#usedBytes += bytes;
  }

  give(bytes: number): void {
    this.#usedBytes = Math.max(0, this.#usedBytes - bytes);
  }
}

/** One request's share of a BodyBudget. */
export class BodyCharge {
  #heldBytes = 0;
  #released = false;

  constructor(readonly budget: BodyBudget) {}

  get heldBytes(): number {
    return this.#heldBytes;
  }

  /** Holds at least `bytes` in total (a declared length first, then what actually arrives). */
  holdAtLeast(bytes: number): void {
    if (this.#released) throw new ServelabError('request already answered', 'internal');
    if (bytes <= this.#heldBytes) return;
    this.budget.take(bytes - this.#heldBytes);
    this.#heldBytes = bytes;
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.budget.give(this.#heldBytes);
    this.#heldBytes = 0;
  }
}
