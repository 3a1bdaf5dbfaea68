/**
 * Sub-millisecond wake-ups without a busy event loop. Node's timers count whole milliseconds (and can fire
 * early), so a sleeper thread waits out the last stretch in a futex sleep with a fractional timeout and wakes
 * the event loop with Atomics.notify; meanwhile the event loop sits idle in its I/O poll, so responses are
 * handled as they arrive and the loop's utilisation reads what the generator really does.
 */
import { Worker } from 'node:worker_threads';

/** Shared cells: request generation, done generation, ready flag; then the wake time (epoch ms, float64). */
const REQUEST = 0;
const DONE = 1;
const READY = 2;

const SLEEPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const cells = new Int32Array(workerData, 0, 4);
const wakeAt = new Float64Array(workerData, 16, 1);
let seen = 0;
Atomics.store(cells, ${READY}, 1);
for (;;) {
  Atomics.wait(cells, ${REQUEST}, seen);
  seen = Atomics.load(cells, ${REQUEST});
  for (;;) {
    const remainingMs = wakeAt[0] - (performance.timeOrigin + performance.now());
    if (remainingMs <= 0) break;
    Atomics.wait(cells, ${REQUEST}, seen, remainingMs);
  }
  Atomics.store(cells, ${DONE}, seen);
  Atomics.notify(cells, ${DONE});
}`;

/** Atomics.waitAsync (Node 16+, ES2024): the compiler's ES2022 library does not declare it. */
const waitAsync = (Atomics as unknown as {
  waitAsync?: (cells: Int32Array, index: number, value: number, timeoutMs: number) => { async: boolean; value: Promise<string> | string };
}).waitAsync;

/** Timers are used until this close to the wake time: they can be ~1 ms late, or early. */
const TIMER_MARGIN_MS = 2;

interface Sleeper {
  readonly worker: Worker;
  readonly cells: Int32Array;
  readonly wakeAt: Float64Array;
  generation: number;
  busy: boolean;
}

let sleeper: Sleeper | null | undefined;

function startSleeper(): Sleeper | null {
  if (typeof waitAsync !== 'function') return null;
  try {
    const shared = new SharedArrayBuffer(24);
    // No execArgv: the sleeper is plain JS and needs none of the parent's loaders.
    const worker = new Worker(SLEEPER_SOURCE, { eval: true, workerData: shared, execArgv: [] });
    worker.unref();
    worker.on('error', () => (sleeper = null));
    return { worker, cells: new Int32Array(shared, 0, 4), wakeAt: new Float64Array(shared, 16, 1), generation: 0, busy: false };
  } catch {
    return null;
  }
}

function timer(durationMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, durationMs));
}

function immediate(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Resolves at wakeAtMs (performance.now() scale) within tens of µs where the machine allows, never before it. */
export async function sleepUntilPrecisely(wakeAtMs: number): Promise<void> {
  // Started on first use, even when no wait is needed yet: the thread takes tens of ms to boot.
  sleeper ??= startSleeper();
  for (let remainingMs = wakeAtMs - performance.now(); remainingMs > 0; remainingMs = wakeAtMs - performance.now()) {
    if (remainingMs > TIMER_MARGIN_MS) {
      await timer(remainingMs - TIMER_MARGIN_MS);
      continue;
    }
    const active = sleeper;
    if (active && !active.busy && Atomics.load(active.cells, READY) === 1) {
      await sleepOnThread(active, wakeAtMs);
    } else {
      // The sleeper thread is starting (or taken, or unavailable): poll between I/O turns meanwhile.
      await immediate();
    }
  }
}

async function sleepOnThread(active: Sleeper, wakeAtMs: number): Promise<void> {
  active.busy = true;
  const before = active.generation;
  active.generation = before + 1;
  active.wakeAt[0] = performance.timeOrigin + wakeAtMs;
  Atomics.store(active.cells, REQUEST, active.generation);
  Atomics.notify(active.cells, REQUEST);
  // A pending wait does not keep the process alive on its own; the worker's handle does, while it is needed.
  active.worker.ref();
  try {
    // Bounded, so that a sleeper thread that died cannot hang the caller: the loop above re-checks the time.
    const wait = waitAsync!.call(Atomics, active.cells, DONE, before, wakeAtMs - performance.now() + 50);
    if (wait.async) await wait.value;
  } finally {
    active.worker.unref();
    active.busy = false;
  }
}
