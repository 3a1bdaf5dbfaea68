/**
 * npm run bench:overload — goodput of the embedded server at twice its capacity, with admission control on
 * and off. For each protocol: measure the capacity of a small model (batching off; the load generator's
 * capacity search: the highest Poisson rate with p99 under its bound), then offer open-loop Poisson load at
 * BENCH_OVERLOAD_FACTOR x capacity for BENCH_OVERLOAD_SECONDS to a server with admission.maxQueueDelayMs off
 * and to one with it on. Goodput is successful responses per second; latencies are those of the accepted
 * (successful) requests, timed from their scheduled send; sheds are read from the server's own counter.
 * The generator shares the machine's cores with the server: compare the rows of one run, not absolute figures.
 * BENCH_CAPACITY_RPS skips the capacity search; BENCH_PROTOCOLS, BENCH_MODEL, BENCH_WORKLOAD, BENCH_ADMISSION_MS
 * change what is measured.
 */
import { cpus, loadavg } from 'node:os';
import { findCapacity, runLoad, type LoadSummary } from '../src/load/index.js';
import { DEFAULT_MODEL_CONFIG, type ServerConfigInput } from '../src/server/index.js';
import type { Protocol } from '../src/core/target.js';
import { startServerProcess } from './server-process.js';

const MODEL = process.env.BENCH_MODEL ?? 'ocr-cls';
const WORKLOAD = process.env.BENCH_WORKLOAD ?? 'mnist-strips';
const FACTOR = Number(process.env.BENCH_OVERLOAD_FACTOR ?? 2);
const DURATION_MS = Number(process.env.BENCH_OVERLOAD_SECONDS ?? 20) * 1000;
const WARMUP_MS = 2000;
const WINDOW_MS = 1000;
const ADMISSION_MS = Number(process.env.BENCH_ADMISSION_MS ?? DEFAULT_MODEL_CONFIG.admission.maxQueueDelayMs ?? 500);
const PROTOCOLS: readonly Protocol[] = ((process.env.BENCH_PROTOCOLS ?? 'kserve-http-binary,kserve-grpc').split(',') as Protocol[]);

interface Row {
  readonly protocol: Protocol;
  readonly admission: string;
  readonly capacityRps: number;
  readonly loadAverage: number;
  readonly summary: LoadSummary;
  readonly shed: number;
  /** Successful responses per second the server sent during the measured interval. */
  readonly serverOkRps: number;
}

function serverConfig(maxQueueDelayMs: number | null): ServerConfigInput {
  return { models: [{ name: MODEL, config: { admission: { maxQueueDelayMs } } }] };
}

/** The server's own counts: requests shed (any reason) and requests answered successfully. */
async function serverCounts(httpUrl: string): Promise<{ shed: number; ok: number; computeS: number; batches: number; queueS: number; serviceEstimateMs: number }> {
  const lines = (await (await fetch(`${httpUrl}/metrics`)).text()).split('\n');
  const total = (prefix: string) =>
    lines.filter((line) => line.startsWith(prefix)).reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  const series = (name: string) => total(`${name}{model="${MODEL}"}`);
  return {
    shed: total(`servelab_requests_shed_total{model="${MODEL}"`),
    ok: series('servelab_request_seconds_count'),
    computeS: series('servelab_compute_seconds_sum'),
    batches: series('servelab_compute_seconds_count'),
    queueS: series('servelab_queue_seconds_sum'),
    serviceEstimateMs: series('servelab_batch_service_seconds') * 1000,
  };
}

function targetOf(server: { http: string; grpc: string }, protocol: Protocol): string {
  return protocol === 'kserve-grpc' ? server.grpc : server.http;
}

async function overloadRun(protocol: Protocol, maxQueueDelayMs: number | null, capacityRps: number, server?: { http: string; grpc: string }): Promise<Row> {
  const owned = server ? null : await startServerProcess(serverConfig(maxQueueDelayMs));
  const target = server ?? owned!;
  try {
    const loadAverage = loadavg()[0]!;
    const before = await serverCounts(target.http);
    // The server's successes over exactly the measured interval (the client counts only measured requests
    // that complete inside it, which under-counts by about latency x rate when latency is seconds).
    let okAtStart: Promise<number> | undefined;
    let okAtEnd: Promise<number> | undefined;
    const summary = await runLoad({
      onLoadStart: () => {
        okAtStart = serverCounts(target.http).then((counts) => counts.ok);
        setTimeout(() => (okAtEnd = serverCounts(target.http).then((counts) => counts.ok)), DURATION_MS);
      },
      target: targetOf(target, protocol),
      protocol,
      model: MODEL,
      workload: WORKLOAD,
      pattern: 'poisson',
      rateRps: FACTOR * capacityRps,
      durationMs: DURATION_MS,
      warmupMs: WARMUP_MS,
      windowMs: WINDOW_MS,
    });
    const after = await serverCounts(target.http);
    const shed = after.shed - before.shed;
    const batches = after.batches - before.batches;
    console.log(
      `  ${protocol}, admission ${maxQueueDelayMs ?? 'off'}: server mean compute ${((1000 * (after.computeS - before.computeS)) / batches).toFixed(2)} ms, ` +
        `mean queueing ${((1000 * (after.queueS - before.queueS)) / batches).toFixed(1)} ms over ${batches} batches; service-time estimate at the end ${after.serviceEstimateMs.toFixed(2)} ms`,
    );
    const serverOkRps = okAtStart && okAtEnd ? ((await okAtEnd) - (await okAtStart)) / (DURATION_MS / 1000) : Number.NaN;
    return { protocol, admission: maxQueueDelayMs === null ? 'off' : `${maxQueueDelayMs} ms`, capacityRps, loadAverage, summary, shed, serverOkRps };
  } finally {
    await owned?.stop();
  }
}

async function measureCapacity(protocol: Protocol, server: { http: string; grpc: string }): Promise<number> {
  const given = process.env.BENCH_CAPACITY_RPS;
  if (given !== undefined) {
    console.log(`  ${protocol}: capacity ${given} req/s (BENCH_CAPACITY_RPS, not measured)`);
    return Number(given);
  }
  const result = await findCapacity({
    target: targetOf(server, protocol),
    protocol,
    model: MODEL,
    workload: WORKLOAD,
    capacitySearch: { startRps: 100, stepDurationMs: 2500, warmupMs: 500, unloadedProbeMs: 1000, precision: 0.1, maxSteps: 9 },
  });
  for (const warning of result.warnings) console.log(`  note: ${warning}`);
  console.log(`  ${protocol}: capacity ${result.capacityRps.toFixed(0)} req/s (p99 bound ${result.maxP99Ms.toFixed(1)} ms, ${result.steps.length} steps)`);
  return result.capacityRps;
}

function format(row: Row): string[] {
  const s = row.summary;
  const measuredS = s.durationMs / 1000;
  const scheduled = s.requests + s.dropped;
  const goodput = s.achievedRps;
  const windows = s.windows.map((window) => window.achievedRps);
  const pct = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '-');
  return [
    row.protocol,
    row.admission,
    row.capacityRps.toFixed(0),
    ((s.offeredRps ?? scheduled / measuredS)).toFixed(0),
    goodput.toFixed(0),
    pct(goodput, row.capacityRps),
    pct(row.serverOkRps, row.capacityRps),
    pct(row.shed, s.requests + s.warmupRequests),
    pct(s.errors.total, s.requests),
    `${s.timeouts}/${s.dropped}`,
    s.latencyMs ? s.latencyMs.p50.toFixed(1) : '-',
    s.latencyMs ? s.latencyMs.p99.toFixed(1) : '-',
    `${Math.min(...windows).toFixed(0)}–${Math.max(...windows).toFixed(0)}`,
    row.loadAverage.toFixed(2),
  ];
}

function printTable(rows: readonly Row[]): void {
  const header = ['protocol', 'admission', 'capacity', 'offered/s', 'goodput/s', 'of capacity', 'server ok', 'shed', 'errors', 'timeout/drop', 'p50 ms', 'p99 ms', 'window goodput', 'load avg'];
  const cells = [header, ...rows.map(format)];
  const widths = header.map((_, column) => Math.max(...cells.map((line) => line[column]!.length)));
  for (const line of cells) console.log(line.map((cell, column) => cell.padStart(widths[column]!)).join('  '));
}

const startedMs = performance.now();
console.log(
  `servelab bench:overload — ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ` +
    `${MODEL} (batching off) with ${WORKLOAD}, ${FACTOR}x capacity for ${DURATION_MS / 1000} s (+${WARMUP_MS / 1000} s warm-up), admission.maxQueueDelayMs ${ADMISSION_MS} vs off`,
);
const rows: Row[] = [];
for (const protocol of PROTOCOLS) {
  // Capacity and the admission-off run share a server with admission off, as the server behaved before.
  const open = await startServerProcess(serverConfig(null));
  try {
    const capacityRps = await measureCapacity(protocol, open);
    rows.push(await overloadRun(protocol, null, capacityRps, open));
    rows.push(await overloadRun(protocol, ADMISSION_MS, capacityRps));
  } finally {
    await open.stop();
  }
}
printTable(rows);
console.log(
  'of capacity: client goodput over capacity; server ok: successful responses the server sent per second of the measured interval, over capacity; ' +
    'shed: requests refused with 503 / RESOURCE_EXHAUSTED (server counter) over requests sent, warm-up included; errors: failed measured ' +
    'requests of any kind (sheds included) over those sent; timeout/drop: client timeouts (10 s), requests dropped at the generator in-flight cap (1024); p50/p99: accepted requests, from the scheduled send; ' +
    `window goodput: min–max successful responses per ${WINDOW_MS} ms window (req/s); load avg: 1-minute load average when the run started.`,
);
console.log(`took ${((performance.now() - startedMs) / 1000).toFixed(0)} s`);
