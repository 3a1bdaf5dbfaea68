/**
 * Time source for every piece of timing logic, so that schedules, batch timeouts and windows can be tested
 * on virtual time. Times are milliseconds on a monotonic scale with an arbitrary origin.
 */
export interface Clock {
  nowMs(): number;
  sleepMs(durationMs: number): Promise<void>;
  /** Resolves as close after wakeAtMs as this clock can, never before it (absent: sleepMs does). */
  sleepUntilMs?(wakeAtMs: number): Promise<void>;
}

/** Sleeps until a clock time, precisely where the clock can. */
export function sleepUntil(clock: Clock, wakeAtMs: number): Promise<void> {
  return clock.sleepUntilMs ? clock.sleepUntilMs(wakeAtMs) : clock.sleepMs(wakeAtMs - clock.nowMs());
}

/**
 * Timers wake up to ~1 ms late (libuv counts whole milliseconds) and can even fire early (they start from the
 * loop's cached time), so the last stretch before a wake time is waited in short kernel sleeps instead.
 */
const COARSE_MARGIN_MS = 2;
/** Longest the thread blocks at a time in the last stretch; I/O callbacks run between slices. */
const FINE_SLICE_MS = 0.1;
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

function immediate(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function sleepUntilPrecisely(wakeAtMs: number): Promise<void> {
  for (let remainingMs = wakeAtMs - performance.now(); remainingMs > 0; remainingMs = wakeAtMs - performance.now()) {
    if (remainingMs > COARSE_MARGIN_MS) {
      await new Promise((resolve) => setTimeout(resolve, remainingMs - COARSE_MARGIN_MS));
    } else {
      // A futex wait with a sub-millisecond timeout: the kernel wakes the thread within tens of µs, without spinning.
      Atomics.wait(sleepCell, 0, 0, Math.min(remainingMs, FINE_SLICE_MS));
      if (wakeAtMs - performance.now() > 0) await immediate();
    }
  }
}

export const systemClock: Clock = {
  nowMs: () => performance.now(),
  sleepMs: (durationMs) =>
    new Promise((resolve) => {
      setTimeout(resolve, Math.max(0, durationMs));
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

  sleepMs(durationMs: number): Promise<void> {
    return new Promise((resolve) => {
      this.#sleepers.push({ wakeAtMs: this.#nowMs + Math.max(0, durationMs), resolve });
      this.#sleepers.sort((a, b) => a.wakeAtMs - b.wakeAtMs);
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
