/**
 * The in-process baseline of bench:server, in a process of its own: ONNX Runtime called directly, with the
 * server's default session options, on the CPUs the server gets (the parent pins it with taskset) and while no
 * server runs, so no idle, spinning ORT pool of a server takes its cores. Prints one JSON line.
 * Usage (by bench/server.ts): tsx bench/server-inprocess.ts '{"path":…,"sampleShape":[…],…}'
 */
import { availableParallelism } from 'node:os';
import ort from 'onnxruntime-node';
import { median } from 'simple-statistics';
import { DEFAULT_MODEL_CONFIG } from '../src/server/index.js';
import { benchInput, rowsPerSecond } from './server-measure.js';

export interface InProcessRequest {
  readonly path: string;
  readonly sampleShape: readonly number[];
  /** Rows per request for the latency figures. */
  readonly latencyRows: readonly number[];
  readonly latencyBudgetMs: number;
  /** Batch sizes tried for the best batched throughput. */
  readonly batchSizes: readonly number[];
  readonly windowMs: number;
}

export interface InProcessResult {
  readonly intraOpThreads: number;
  /** Per latency row count: median and minimum of session.run, ms. */
  readonly latency: Record<string, { medianMs: number; minMs: number; runs: number }>;
  /** Rows per second per batch size. */
  readonly throughput: Record<string, number>;
}

const request = JSON.parse(process.argv[2] ?? '{}') as InProcessRequest;
const { ort: options } = DEFAULT_MODEL_CONFIG;
// The server's worker resolves intra-op threads 0 the same way: one per CPU this process may use.
const intraOpThreads = options.intraOpThreads === 0 ? availableParallelism() : options.intraOpThreads;
const session = await ort.InferenceSession.create(request.path, {
  intraOpNumThreads: intraOpThreads,
  interOpNumThreads: options.interOpThreads,
  executionMode: options.executionMode,
  graphOptimizationLevel: options.graphOptimizationLevel,
  enableCpuMemArena: options.enableCpuMemArena,
  enableMemPattern: options.enableMemPattern,
  extra: { session: { intra_op: { allow_spinning: options.allowSpinning ? '1' : '0' }, inter_op: { allow_spinning: options.allowSpinning ? '1' : '0' } } },
});
const inputName = session.inputNames[0]!;
const feedsOf = (rows: number) => {
  const { shape, data } = benchInput(rows, request.sampleShape);
  return { [inputName]: new ort.Tensor('float32', data, shape) };
};

const latency: InProcessResult['latency'] = {};
for (const rows of request.latencyRows) {
  const feeds = feedsOf(rows);
  for (let i = 0; i < 3; i++) await session.run(feeds);
  const times: number[] = [];
  const startedMs = performance.now();
  while (times.length < 5 || (performance.now() - startedMs < request.latencyBudgetMs && times.length < 200)) {
    const runStartedMs = performance.now();
    await session.run(feeds);
    times.push(performance.now() - runStartedMs);
  }
  latency[rows] = { medianMs: median(times), minMs: Math.min(...times), runs: times.length };
}

const throughput: InProcessResult['throughput'] = {};
for (const batch of request.batchSizes) {
  const feeds = feedsOf(batch);
  await session.run(feeds);
  throughput[batch] = await rowsPerSecond(request.windowMs, async () => {
    await session.run(feeds);
    return batch;
  });
}
await session.release();
const result: InProcessResult = { intraOpThreads, latency, throughput };
console.log(JSON.stringify(result));
