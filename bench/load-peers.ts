/**
 * servelab's load generator against its peers, side by side in one run, on one plain loopback endpoint
 * (bench/load-endpoint.ts, its own process on CPU 0; every generator on CPU 1 alone, see load-processes.ts):
 * Debian `wrk` (skipped when not installed) and npm `autocannon`.
 *  1. Max closed-loop throughput, 16 connections each (wrk -t1: one thread, as one Node process has one),
 *     in interleaved rounds (BENCH_LOAD_ROUNDS, default 3) whose medians are compared: on a shared machine the
 *     CPU each tool gets drifts from one run to the next. servelab runs twice per round: repeating one encoded
 *     request (as the peers do) and cycling through its pool of distinct real samples encoded before the run
 *     (what a study does); their ratio is the cost of real samples (goal >= 0.80).
 *  2. Send precision: schedule lag p50/p99/max of servelab's open loop at 1,000 and 5,000 req/s against the
 *     fast endpoint, real samples (goals: p99 <= 1 ms and <= 2 ms, wrk2's level).
 *  3. A fixed open-loop rate (autocannon -R; wrk has no fixed-rate mode and wrk2 is not packaged) against a
 *     slow endpoint: achieved rate vs the target, and p50/p99 vs autocannon's. autocannon runs with -C: its
 *     coordinated-omission "correction" back-fills values below the measured ones, so its plain from-send
 *     latencies are the comparable figures at a rate both keep up with.
 * Every peer sends the same request: the KServe v2 JSON of the first MNIST digit of the mnist-digits workload.
 * BENCH_LOAD_ONLY=precision runs parts 1 (servelab only) and 2.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadSummary } from '../src/load/index.js';
import { jsonList } from '../src/targets/tensor-wire.js';
import { getWorkload } from '../src/zoo/workloads/registry.js';
import { measureSendPrecision, precisionLines } from './load-precision.js';
import { autocannon, layoutLine, servelab, startEndpoint, wrk, wrkAvailable } from './load-processes.js';

const CONNECTIONS = 16;
const CLOSED_S = Number(process.env.BENCH_LOAD_CLOSED_S ?? 4);
const ROUNDS = Number(process.env.BENCH_LOAD_ROUNDS ?? 3);
const OPEN_S = Number(process.env.BENCH_LOAD_OPEN_S ?? 10);
const FIXED_RPS = Number(process.env.BENCH_LOAD_RPS ?? 1000);
/** Service delay of the endpoint in the fixed-rate part. */
const DELAY_MS = Number(process.env.BENCH_LOAD_DELAY_MS ?? 20);
const peers = process.env.BENCH_LOAD_ONLY !== 'precision';

const ratio = (a: number, b: number): string => (a / b).toFixed(2);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const list = (values: number[]): string => values.map((value) => value.toFixed(0)).join(', ');
const loadLine = (): string => loadavg().map((value) => value.toFixed(2)).join(', ');
/** Generator CPU per request sent (warm-up included): its own cost, whether or not the endpoint limits the rate. */
const cpuUsPerRequest = (summary: LoadSummary): number =>
  (summary.generator.perProcess.reduce((total, usage) => total + usage.cpuFraction * usage.wallMs, 0) * 1000) / Math.max(1, summary.requests + summary.warmupRequests);

const sample = getWorkload('mnist-digits').createSampleStream([{ name: 'image', datatype: 'FP32', shape: [-1, 1, 28, 28] }], { seed: 1 }).next()[0]!;
const body = JSON.stringify({ inputs: [{ name: sample.name, shape: sample.shape, datatype: sample.datatype, data: jsonList(sample) }] });
const dir = mkdtempSync(join(tmpdir(), 'servelab-bench-load-'));
const script = join(dir, 'post.lua');
writeFileSync(script, `wrk.method = "POST"\nwrk.body = [[${body}]]\nwrk.headers["Content-Type"] = "application/json"\n`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; load average at start (1, 5, 15 min): ${loadLine()}`);
console.log(layoutLine());
const { child, port } = await startEndpoint();
const delayed = peers ? await startEndpoint(DELAY_MS) : undefined;
const url = `http://127.0.0.1:${port}/v2/models/echo/infer`;
const base = { target: `http://127.0.0.1:${port}`, protocol: 'kserve-http', model: 'echo', workload: 'mnist-digits', warmupMs: 1000, timeoutMs: 10_000 };
try {
  console.log(`request body ${body.length} bytes; ${CONNECTIONS} connections`);
  console.log(`\n1. max closed-loop throughput (${CLOSED_S} s per run, ${ROUNDS} interleaved rounds; medians compared)`);
  const closed = { ...base, pattern: 'closed', concurrency: CONNECTIONS, durationMs: CLOSED_S * 1000 };
  const rounds = { wrk: [] as number[], autocannon: [] as number[], servelab: [] as number[], real: [] as number[], cpu: [] as number[], oneUs: [] as number[], realUs: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    if (peers && wrkAvailable) rounds.wrk.push(await wrk(url, script, CLOSED_S, CONNECTIONS));
    if (peers) {
      const ac = await autocannon(url, body, CLOSED_S, CONNECTIONS);
      rounds.autocannon.push(ac.requests.total / (ac.duration ?? CLOSED_S));
    }
    const one = await servelab({ ...closed, sampleCount: 1 });
    rounds.servelab.push(one.achievedRps);
    rounds.cpu.push(one.generator.cpuFraction * 100);
    rounds.oneUs.push(cpuUsPerRequest(one));
    const real = await servelab(closed);
    rounds.real.push(real.achievedRps);
    rounds.realUs.push(cpuUsPerRequest(real));
  }
  const [acRps, oneRps, realRps] = [median(rounds.autocannon), median(rounds.servelab), median(rounds.real)];
  if (peers && wrkAvailable) console.log(`   wrk -t1            ${median(rounds.wrk).toFixed(0)} req/s   (runs: ${list(rounds.wrk)})`);
  else if (peers) console.log('   wrk -t1            not installed: skipped');
  if (peers) console.log(`   autocannon         ${acRps.toFixed(0)} req/s   (runs: ${list(rounds.autocannon)})`);
  console.log(`   servelab, one repeated request      ${oneRps.toFixed(0)} req/s   (runs: ${list(rounds.servelab)}; generator CPU ${list(rounds.cpu)}% of a core)`);
  console.log(`   servelab, pool of real samples      ${realRps.toFixed(0)} req/s   (runs: ${list(rounds.real)})`);
  console.log(`   real-sample / one-request throughput ${ratio(realRps, oneRps)} (goal >= 0.80)`);
  const [oneUs, realUs] = [median(rounds.oneUs), median(rounds.realUs)];
  console.log(
    `   generator CPU per request: one request ${oneUs.toFixed(1)} µs, real samples ${realUs.toFixed(1)} µs (runs: ${list(rounds.oneUs)} / ${list(rounds.realUs)}); ` +
      `one-request / real-sample ${ratio(oneUs, realUs)}: the generator-bound throughput ratio (goal >= 0.80)`,
  );
  if (peers) {
    const wrkRatio = wrkAvailable ? `servelab/wrk ${ratio(oneRps, median(rounds.wrk))} (goal >= 0.80), ` : '';
    console.log(`   ratios: ${wrkRatio}servelab/autocannon ${ratio(oneRps, acRps)} (goal >= 1.00)`);
  }

  console.log(`\n2. send precision: open loop, constant rate, fast endpoint, real samples (${OPEN_S} s each); load average now ${loadLine()}`);
  for (const line of precisionLines(await measureSendPrecision(base, OPEN_S))) console.log(line);

  if (peers && delayed) {
    console.log(`\n3. fixed open-loop rate ${FIXED_RPS} req/s (${OPEN_S} s each; the endpoint answers after ${DELAY_MS} ms)`);
    const delayedUrl = `http://127.0.0.1:${delayed.port}/v2/models/echo/infer`;
    // 16 connections cannot carry 1000 req/s at 20 ms each; autocannon gets as many as servelab would open.
    const openConnections = Math.ceil((FIXED_RPS * (DELAY_MS + 5)) / 1000) * 2;
    const acOpen = await autocannon(delayedUrl, body, OPEN_S, openConnections, FIXED_RPS);
    const acOpenRps = acOpen.requests.total / (acOpen.duration ?? OPEN_S);
    const open = await servelab({ ...base, target: `http://127.0.0.1:${delayed.port}`, pattern: 'constant', rateRps: FIXED_RPS, durationMs: OPEN_S * 1000, sampleCount: 1 });
    console.log(`   autocannon -R -C (${openConnections} connections)  achieved ${acOpenRps.toFixed(1)} req/s, p50 ${acOpen.latency.p50} ms, p99 ${acOpen.latency.p99} ms, mean ${acOpen.latency.mean.toFixed(2)} ms`);
    console.log(
      `   servelab constant  achieved ${open.achievedRps.toFixed(1)} req/s, p50 ${open.latencyMs?.p50} ms, p99 ${open.latencyMs?.p99} ms, mean ${open.latencyMs?.mean} ms (service time p50 ${open.serviceTimeMs?.p50} ms; schedule lag p99 ${open.generator.scheduleLagMs?.p99} ms)`,
    );
    console.log(
      `   ratios: servelab achieved/target ${ratio(open.achievedRps, FIXED_RPS)} (goal 0.99-1.01), autocannon achieved/target ${ratio(acOpenRps, FIXED_RPS)}, p50 servelab/autocannon ${ratio(open.latencyMs?.p50 ?? NaN, acOpen.latency.p50)} (goal 0.90-1.10), mean ${ratio(open.latencyMs?.mean ?? NaN, acOpen.latency.mean)}, p99 ${ratio(open.latencyMs?.p99 ?? NaN, acOpen.latency.p99)}`,
    );
    console.log(`   servelab verdict: ${open.valid ? 'VALID' : `INVALID (${open.reasons.map((reason) => reason.message).join('; ')})`}`);
  }
  console.log(`\nload average at end (1, 5, 15 min): ${loadLine()}`);
} finally {
  child.kill('SIGTERM');
  delayed?.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
