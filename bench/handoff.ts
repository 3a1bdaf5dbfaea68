/**
 * npm run bench:handoff — the I/O thread ↔ instance thread hand-off in isolation: one request's tensor to a worker
 * thread and a small answer back, no inference. Three ways, measured interleaved in blocks in one run:
 *  - clone:    postMessage of a view into a larger buffer (a tensor inside a request body): structured-clone copy;
 *  - transfer: postMessage of a tensor that owns its ArrayBuffer, in the transfer list (the fast path): no copy;
 *  - atomics:  the tensor already in a SharedArrayBuffer slot, Atomics.notify to a worker blocked in
 *              Atomics.wait, the answer awaited with Atomics.waitAsync (the event loop stays free).
 * Each round trip allocates the request's memory afresh, as reading a body does. Prints median and p99 µs.
 * Env: HANDOFF_ROUND_TRIPS (per block, default 500), HANDOFF_BLOCKS (default 8), HANDOFF_GAP_MS (idle time between
 * round trips, default 0: back to back; a server at light load idles between requests, and so do both threads).
 */
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { quantile } from 'simple-statistics';
import { readCpuTimes, stealShare } from '../src/run/cpu-steal.js';

const ROUND_TRIPS = Number(process.env.HANDOFF_ROUND_TRIPS ?? 500);
const BLOCKS = Number(process.env.HANDOFF_BLOCKS ?? 8);
const GAP_MS = Number(process.env.HANDOFF_GAP_MS ?? 0);
const SIZES = [
  { label: 'ocr-cls batch 1 (110,592 B)', bytes: 3 * 48 * 192 * 4 },
  { label: 'resnet18 batch 1 (602,112 B)', bytes: 3 * 224 * 224 * 4 },
];

const MESSAGE_WORKER = `
const { parentPort } = require('node:worker_threads');
const answer = new Float32Array(2);
parentPort.on('message', (request) => {
  // Touch the tensor as a session would read it.
  const first = request.data[0];
  answer[0] = first;
  parentPort.postMessage({ id: request.id, outputs: answer });
});`;

const ATOMICS_WORKER = `
const { workerData } = require('node:worker_threads');
const control = new Int32Array(workerData.control);
const data = new Float32Array(workerData.data);
let seen = 0;
for (;;) {
  Atomics.wait(control, 0, seen);
  seen = Atomics.load(control, 0);
  if (seen < 0) break;
  control[2] = data[0] | 0;
  Atomics.store(control, 1, seen);
  Atomics.notify(control, 1);
}`;

/** Atomics.waitAsync (V8 has it; TypeScript's ES2023 lib does not declare it). */
type WaitAsync = (array: Int32Array, index: number, value: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

interface Way {
  readonly name: string;
  roundTrip(): Promise<void>;
  close(): Promise<void>;
}

function messageWay(name: 'clone' | 'transfer', bytes: number): Way {
  const worker = new Worker(MESSAGE_WORKER, { eval: true });
  let nextId = 0;
  let waiting: (() => void) | null = null;
  worker.on('message', () => waiting?.());
  return {
    name,
    roundTrip: () =>
      new Promise<void>((resolve) => {
        waiting = resolve;
        if (name === 'clone') {
          // A tensor inside a request body: a view, so postMessage copies it.
          const body = Buffer.allocUnsafeSlow(bytes + 256).buffer;
          worker.postMessage({ id: nextId++, data: new Float32Array(body, 256, bytes / 4) });
        } else {
          const data = new Float32Array(Buffer.allocUnsafeSlow(bytes).buffer, 0, bytes / 4);
          worker.postMessage({ id: nextId++, data }, [data.buffer as ArrayBuffer]);
        }
      }),
    close: () => worker.terminate().then(() => undefined),
  };
}

function atomicsWay(bytes: number): Way {
  const control = new Int32Array(new SharedArrayBuffer(16));
  const data = new SharedArrayBuffer(bytes);
  const worker = new Worker(ATOMICS_WORKER, { eval: true, workerData: { control: control.buffer, data } });
  let sequence = 0;
  return {
    name: 'atomics',
    roundTrip: async () => {
      sequence++;
      Atomics.store(control, 0, sequence);
      Atomics.notify(control, 0);
      const waited = waitAsync(control, 1, sequence - 1);
      if (waited.async) await waited.value;
    },
    close: async () => {
      Atomics.store(control, 0, -1);
      Atomics.notify(control, 0);
      await worker.terminate();
    },
  };
}

const fmt = (value: number) => value.toFixed(1);
console.log(`servelab bench:handoff — Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`${BLOCKS} interleaved blocks of ${ROUND_TRIPS} round trips per way${GAP_MS > 0 ? `, ${GAP_MS} ms idle between round trips` : ', back to back'}; µs per round trip (request with the tensor, 8-byte answer)\n`);
const cpuBefore = readCpuTimes();
console.log('| tensor | way | median µs | p99 µs | / transfer (median) |');
console.log('|---|---|---|---|---|');
for (const size of SIZES) {
  const ways = [messageWay('clone', size.bytes), messageWay('transfer', size.bytes), atomicsWay(size.bytes)];
  const samples = new Map(ways.map((way) => [way.name, [] as number[]]));
  for (const way of ways) for (let i = 0; i < 50; i++) await way.roundTrip();
  for (let block = 0; block < BLOCKS; block++) {
    for (const way of ways) {
      const into = samples.get(way.name)!;
      for (let i = 0; i < ROUND_TRIPS; i++) {
        const startedMs = performance.now();
        await way.roundTrip();
        into.push((performance.now() - startedMs) * 1000);
        if (GAP_MS > 0) await new Promise((resolve) => setTimeout(resolve, GAP_MS));
      }
    }
  }
  const transferMedian = quantile(samples.get('transfer')!, 0.5);
  for (const way of ways) {
    const values = samples.get(way.name)!;
    const medianUs = quantile(values, 0.5);
    console.log(`| ${size.label} | ${way.name} | ${fmt(medianUs)} | ${fmt(quantile(values, 0.99))} | ${(medianUs / transferMedian).toFixed(2)} |`);
  }
  await Promise.all(ways.map((way) => way.close()));
}
const steal = stealShare(cpuBefore, readCpuTimes());
console.log(`\nload average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}; CPU steal ${steal === undefined ? 'n/a' : `${(steal * 100).toFixed(1)}%`}`);
