/**
 * servelab's load generator against its peers, side by side in one run, on one plain loopback endpoint
 * (bench/load-endpoint.ts, its own process): Debian `wrk` and npm `autocannon`.
 *  1. Max closed-loop throughput, 16 connections each (wrk -t1: one thread, as one Node process has one),
 *     in interleaved rounds (BENCH_LOAD_ROUNDS, default 3) whose medians are compared: on a shared machine the
 *     CPU each tool gets drifts from one run to the next.
 *  2. A fixed open-loop rate (autocannon -R; wrk has no fixed-rate mode and wrk2 is not packaged): achieved
 *     rate vs the target, and p50/p99 vs autocannon's. autocannon runs with -C: its coordinated-omission
 *     "correction" back-fills values below the measured ones (it reported a p50 under the endpoint's fixed
 *     service delay), so its plain from-send latencies are the comparable figures at a rate both keep up with.
 * Every tool sends the same request: the KServe v2 JSON of the first MNIST digit of the mnist-digits workload
 * (servelab with sampleCount 1, so it too repeats one encoded request). A last row shows servelab encoding a
 * fresh real digit for every request, which is what a study does.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadSummary } from '../src/load/index.js';
import { jsonList } from '../src/targets/tensor-wire.js';
import { getWorkload } from '../src/zoo/workloads/registry.js';

const CONNECTIONS = 16;
const CLOSED_S = Number(process.env.BENCH_LOAD_CLOSED_S ?? 4);
const ROUNDS = Number(process.env.BENCH_LOAD_ROUNDS ?? 3);
const OPEN_S = Number(process.env.BENCH_LOAD_OPEN_S ?? 10);
const FIXED_RPS = Number(process.env.BENCH_LOAD_RPS ?? 1000);
/** Service delay of the endpoint in the fixed-rate part. */
const DELAY_MS = Number(process.env.BENCH_LOAD_DELAY_MS ?? 20);
const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
const tsx = ['--import', 'tsx'];

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, args, { maxBuffer: 64 * 1024 * 1024, timeout: 300_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command} failed: ${error.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

async function startEndpoint(delayMs = 0): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [...tsx, here('./load-endpoint.ts'), String(delayMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`endpoint exited with ${code}`)));
  });
  return { child, port };
}

async function servelab(options: Record<string, unknown>): Promise<LoadSummary> {
  const stdout = await run(process.execPath, [...tsx, here('./load-servelab-run.ts'), JSON.stringify(options)]);
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadSummary;
}

async function wrk(url: string, script: string): Promise<number> {
  const out = await run('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${CLOSED_S}s`, '-s', script, url]);
  const match = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!match) throw new Error(`cannot read wrk output:\n${out}`);
  return Number(match[1]);
}

interface AutocannonResult {
  requests: { total: number; average: number };
  /** Percentiles in whole ms; mean as a float. */
  latency: { p50: number; p99: number; mean: number };
  duration: number;
  non2xx: number;
  errors: number;
}

async function autocannon(url: string, body: string, seconds: number, rate?: number, connections = CONNECTIONS): Promise<AutocannonResult> {
  const args = [here('../node_modules/autocannon/autocannon.js'), '-c', String(connections), '-d', String(seconds), '-m', 'POST', '-H', 'content-type=application/json', '-b', body, '--json'];
  if (rate) args.push('-R', String(rate), '-C');
  const out = await run(process.execPath, [...args, url]);
  return JSON.parse(out.trim().split('\n').at(-1)!) as AutocannonResult;
}

const ratio = (a: number, b: number): string => (a / b).toFixed(2);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const list = (values: number[]): string => values.map((value) => value.toFixed(0)).join(', ');

const sample = getWorkload('mnist-digits').createSampleStream([{ name: 'image', datatype: 'FP32', shape: [-1, 1, 28, 28] }], { seed: 1 }).next()[0]!;
const body = JSON.stringify({ inputs: [{ name: sample.name, shape: sample.shape, datatype: sample.datatype, data: jsonList(sample) }] });
const dir = mkdtempSync(join(tmpdir(), 'servelab-bench-load-'));
const script = join(dir, 'post.lua');
writeFileSync(script, `wrk.method = "POST"\nwrk.body = [[${body}]]\nwrk.headers["Content-Type"] = "application/json"\n`);
const { child, port } = await startEndpoint();
const delayed = await startEndpoint(DELAY_MS);
const url = `http://127.0.0.1:${port}/v2/models/echo/infer`;
const base = { target: `http://127.0.0.1:${port}`, protocol: 'kserve-http', model: 'echo', workload: 'mnist-digits', warmupMs: 1000, timeoutMs: 10_000 };
try {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; request body ${body.length} bytes; ${CONNECTIONS} connections`);
  console.log(`\n1. max closed-loop throughput (${CLOSED_S} s per run, ${ROUNDS} interleaved rounds; medians compared)`);
  const closed = { target: base.target, pattern: 'closed', concurrency: CONNECTIONS, durationMs: CLOSED_S * 1000, sampleCount: 1 };
  const rounds = { wrk: [] as number[], autocannon: [] as number[], servelab: [] as number[], cpu: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    rounds.wrk.push(await wrk(url, script));
    const ac = await autocannon(url, body, CLOSED_S);
    rounds.autocannon.push(ac.requests.total / (ac.duration ?? CLOSED_S));
    const one = await servelab({ ...base, ...closed });
    rounds.servelab.push(one.achievedRps);
    rounds.cpu.push(one.generator.cpuFraction * 100);
  }
  const two = await servelab({ ...base, ...closed, processes: 2 });
  const real = await servelab({ ...base, ...closed, sampleCount: undefined });
  const [wrkRps, acRps, oneRps] = [median(rounds.wrk), median(rounds.autocannon), median(rounds.servelab)];
  console.log(`   wrk -t1            ${wrkRps.toFixed(0)} req/s   (runs: ${list(rounds.wrk)})`);
  console.log(`   autocannon         ${acRps.toFixed(0)} req/s   (runs: ${list(rounds.autocannon)})`);
  console.log(`   servelab           ${oneRps.toFixed(0)} req/s   (runs: ${list(rounds.servelab)}; generator CPU ${list(rounds.cpu)}% of a core)`);
  console.log(`   servelab, 2 procs  ${two.achievedRps.toFixed(0)} req/s   (one run)`);
  console.log(`   servelab, a fresh digit encoded for every request  ${real.achievedRps.toFixed(0)} req/s   (one run)`);
  console.log(`   ratios: servelab/wrk ${ratio(oneRps, wrkRps)} (goal >= 0.80), servelab/autocannon ${ratio(oneRps, acRps)} (goal >= 1.00), servelab 2 procs/wrk ${ratio(two.achievedRps, wrkRps)}`);

  console.log(`\n2. fixed open-loop rate ${FIXED_RPS} req/s (${OPEN_S} s each; the endpoint answers after ${DELAY_MS} ms)`);
  const delayedUrl = `http://127.0.0.1:${delayed.port}/v2/models/echo/infer`;
  // 16 connections cannot carry 1000 req/s at 20 ms each; autocannon gets as many as servelab would open.
  const openConnections = Math.ceil((FIXED_RPS * (DELAY_MS + 5)) / 1000) * 2;
  const acOpen = await autocannon(delayedUrl, body, OPEN_S, FIXED_RPS, openConnections);
  const acOpenRps = acOpen.requests.total / (acOpen.duration ?? OPEN_S);
  const open = await servelab({ ...base, target: `http://127.0.0.1:${delayed.port}`, pattern: 'constant', rateRps: FIXED_RPS, durationMs: OPEN_S * 1000, sampleCount: 1 });
  console.log(`   autocannon -R -C (${openConnections} connections)  achieved ${acOpenRps.toFixed(1)} req/s, p50 ${acOpen.latency.p50} ms, p99 ${acOpen.latency.p99} ms, mean ${acOpen.latency.mean.toFixed(2)} ms`);
  console.log(
    `   servelab constant  achieved ${open.achievedRps.toFixed(1)} req/s, p50 ${open.latencyMs?.p50} ms, p99 ${open.latencyMs?.p99} ms, mean ${open.latencyMs?.mean} ms (service time p50 ${open.serviceTimeMs?.p50} ms; schedule lag p99 ${open.generator.scheduleLagMs?.p99} ms)`,
  );
  console.log(
    `   ratios: servelab achieved/target ${ratio(open.achievedRps, FIXED_RPS)} (goal 0.99-1.01), autocannon achieved/target ${ratio(acOpenRps, FIXED_RPS)}, p50 servelab/autocannon ${ratio(open.latencyMs?.p50 ?? NaN, acOpen.latency.p50)} (goal 0.90-1.10), mean ${ratio(open.latencyMs?.mean ?? NaN, acOpen.latency.mean)}, p99 ${ratio(open.latencyMs?.p99 ?? NaN, acOpen.latency.p99)}`,
  );
  console.log(`   servelab verdict: ${open.valid ? 'VALID' : `INVALID (${open.reasons.join('; ')})`}`);
} finally {
  child.kill('SIGTERM');
  delayed.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
