/**
 * Time source for every piece of timing logic, so that schedules, batch timeouts and windows can be tested
 * on virtual time. Times are milliseconds on a monotonic scale with an arbitrary origin.
 */
import { sleepUntilPrecisely } from './precise-sleep.js';

export interface Clock {
  nowMs(): number;
  /** Resolves after durationMs, or as soon as `signal` aborts: a sleep nobody waits for must not keep the process alive. */
  sleepMs(durationMs: number, signal?: AbortSignal): Promise<void>;
  /** Resolves as close after wakeAtMs as this clock can, never before it (absent: sleepMs does). */
  sleepUntilMs?(wakeAtMs: number): Promise<void>;
}

/** Sleeps until a clock time, precisely where the clock can. */
export function sleepUntil(clock: Clock, wakeAtMs: number): Promise<void> {
  return clock.sleepUntilMs ? clock.sleepUntilMs(wakeAtMs) : clock.sleepMs(wakeAtMs - clock.nowMs());
}

export const systemClock: Clock = {
  nowMs: () => performance.now(),
  sleepMs: (durationMs, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, Math.max(0, durationMs));
      signal?.addEventListener('abort', done, { once: true });
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
    }),
  sleepUntilMs: sleepUntilPrecisely,
};

/** A clock that moves only when told to; sleepers wake in time order as it advances. */
export class VirtualClock implements Clock {
  #nowMs: number;
  #sleepers: { wakeAtMs: number; resolve: () => void }[] = [];

  constructor(startMs = 0) {
    this.#nowMs = startMs;
  }

  nowMs(): number {
    return this.#nowMs;
  }

  sleepMs(durationMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper = { wakeAtMs: this.#nowMs + Math.max(0, durationMs), resolve };
      this.#sleepers.push(sleeper);
      this.#sleepers.sort((a, b) => a.wakeAtMs - b.wakeAtMs);
      signal?.addEventListener(
        'abort',
        () => {
          this.#sleepers = this.#sleepers.filter((other) => other !== sleeper);
          resolve();
        },
        { once: true },
      );
    });
  }

  sleepUntilMs(wakeAtMs: number): Promise<void> {
    return this.sleepMs(wakeAtMs - this.#nowMs);
  }

  /** Moves time forward, waking each sleeper at its own time and letting its continuation run. */
  async advanceMs(durationMs: number): Promise<void> {
    const targetMs = this.#nowMs + durationMs;
    for (;;) {
      const next = this.#sleepers[0];
      if (!next || next.wakeAtMs > targetMs) break;
      this.#sleepers.shift();
      this.#nowMs = next.wakeAtMs;
      next.resolve();
      await flushMicrotasks();
    }
    this.#nowMs = targetMs;
    await flushMicrotasks();
  }

  get pendingSleepers(): number {
    return this.#sleepers.length;
  }
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
