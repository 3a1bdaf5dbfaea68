/**
 * npm run bench:soak — the embedded server at 70% of its measured capacity for SOAK_MINUTES (default 30),
 * fed good requests mixed with the hostile kinds the server must refuse (out-of-vocabulary token ids, malformed
 * JSON, wrong shapes, unknown models, deep nesting, bad percent-encoding, oversized batches). Every minute it
 * reports the server's resident memory (sampled every few seconds: one sample per minute mostly measures where
 * the garbage collector happened to be) and the good requests' latency. The server and the load generator are
 * pinned to CPUs of their own, as in a study's trials, so the generator does not take the server's cores.
 *
 * Pass: RSS drift ≤ 10% and p99 drift ≤ 20% after warm-up (the median of the last five minutes' values against
 * the first five's), and no error except the bad requests' own 4xx answers.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import * as hdr from 'hdr-histogram-js';
import { createRng } from '../src/core/random.js';
import { sleepUntilPrecisely } from '../src/core/precise-sleep.js';
import { describeCpuLayout, planCpuLayout, type CpuLayout } from '../src/run/cpu-layout.js';
import { tokenize } from '../src/zoo/text/tokenizer.js';
import { startServerProcess } from './server-process.js';

const SOAK_MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const WARMUP_MINUTES = Number(process.env.SOAK_WARMUP_MINUTES ?? Math.min(3, Math.max(1, Math.floor(SOAK_MINUTES / 10))));
const LOAD_FRACTION = Number(process.env.SOAK_LOAD_FRACTION ?? 0.7);
const BAD_FRACTION = Number(process.env.SOAK_BAD_FRACTION ?? 0.05);
const CAPACITY_WINDOW_MS = 10_000;
const SEQUENCE_LENGTH = 64;
const MODEL = 'sentiment-cls';
const MINUTE_MS = Number(process.env.SOAK_MINUTE_MS ?? 60_000);
const RSS_SAMPLE_MS = 5_000;

const SENTENCES = [
  'The food was great and the service was friendly.',
  'I would not recommend this phone to anyone.',
  'A wonderful film with a moving story.',
  'The battery died after two days, very disappointing.',
  'Excellent value, works exactly as described.',
  'The plot was boring and the acting was worse.',
  'Staff were rude and the room was dirty.',
  'Best purchase I have made this year.',
];

function textBody(ids: readonly number[]): string {
  const padded = Array.from({ length: SEQUENCE_LENGTH }, (_, i) => ids[i] ?? 0);
  const mask = padded.map((_, i) => (i < ids.length ? 1 : 0));
  return JSON.stringify({
    inputs: [
      { name: 'input_ids', shape: [1, SEQUENCE_LENGTH], datatype: 'INT64', data: padded },
      { name: 'attention_mask', shape: [1, SEQUENCE_LENGTH], datatype: 'INT64', data: mask },
    ],
  });
}

interface Probe {
  readonly path: string;
  readonly body: string;
}

const INFER_PATH = `/v2/models/${MODEL}/infer`;
const GOOD: Probe[] = SENTENCES.map((text) => ({ path: INFER_PATH, body: textBody(tokenize(text, { specialTokens: false, maxLength: SEQUENCE_LENGTH })) }));

/** Requests the server must answer with a 4xx and a message, without harm to anyone else. */
const BAD: Record<string, Probe> = {
  'out-of-vocabulary token': { path: INFER_PATH, body: textBody([5, 9_999_999_999, 7]) },
  'malformed JSON': { path: INFER_PATH, body: '{"inputs": [ {"name": "input_ids", ' },
  'wrong shape': { path: INFER_PATH, body: JSON.stringify({ inputs: [{ name: 'input_ids', shape: [1, 3, 3], datatype: 'INT64', data: [1, 2, 3] }] }) },
  'unknown model': { path: '/v2/models/no-such-model/infer', body: GOOD[0]!.body },
  'deep nesting (100k levels)': { path: INFER_PATH, body: '['.repeat(100_000) + ']'.repeat(100_000) },
  'bad percent-encoding': { path: '/v2/models/%E0%A4%A/infer', body: GOOD[0]!.body },
  'oversized batch': {
    path: INFER_PATH,
    body: JSON.stringify({
      inputs: ['input_ids', 'attention_mask'].map((name) => ({ name, shape: [100_000, 1], datatype: 'INT64', data: new Array(100_000).fill(1) })),
    }),
  },
};
const BAD_KINDS = Object.keys(BAD);

const agent = new Agent({ keepAlive: true, maxSockets: 512 });

function post(baseUrl: string, probe: Probe): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request(`${baseUrl}${probe.path}`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', (error) => resolve({ status: 0, body: error.message }));
    req.end(probe.body);
  });
}

/** CPU time the hypervisor took (steal) since the last call, as a fraction of all CPU time: noise the server cannot help. */
let lastCpuTicks: { steal: number; total: number } | undefined;
function stealFraction(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const now = { steal: fields[7] ?? 0, total: fields.slice(0, 8).reduce((sum, value) => sum + value, 0) };
  const previous = lastCpuTicks;
  lastCpuTicks = now;
  return previous && now.total > previous.total ? (now.steal - previous.steal) / (now.total - previous.total) : Number.NaN;
}

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** Closed-loop throughput of the same mix the soak sends: bad requests cost the server time too. */
async function closedLoopThroughput(baseUrl: string, clients: number, windowMs: number): Promise<number> {
  let completed = 0;
  const badEvery = BAD_FRACTION > 0 ? Math.round(1 / BAD_FRACTION) : Number.POSITIVE_INFINITY;
  const endMs = performance.now() + windowMs;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = client; performance.now() < endMs; i += clients) {
        const isBad = i % badEvery === badEvery - 1;
        const probe = isBad ? BAD[BAD_KINDS[Math.floor(i / badEvery) % BAD_KINDS.length]!]! : GOOD[i % GOOD.length]!;
        const reply = await post(baseUrl, probe);
        if (!isBad && reply.status !== 200) throw new Error(`capacity probe: HTTP ${reply.status}: ${reply.body}`);
        completed++;
      }
    }),
  );
  return (completed / windowMs) * 1000;
}

interface Minute {
  readonly good: hdr.Histogram;
  goodSent: number;
  goodFailed: number;
  badSent: number;
  badUnexpected: number;
  sendLagMaxMs: number;
  /** Resident memory of the server, sampled every RSS_SAMPLE_MS during the minute. */
  readonly rssSamples: number[];
  stealFraction: number;
}

function newMinute(): Minute {
  return { good: hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 }), goodSent: 0, goodFailed: 0, badSent: 0, badUnexpected: 0, sendLagMaxMs: 0, rssSamples: [], stealFraction: Number.NaN };
}

/** Pins the server (every thread) and this process to the CPUs a study's trial would give them. */
function pinProcesses(serverPid: number): CpuLayout {
  let canPin = true;
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
  } catch {
    canPin = false;
  }
  const layout = planCpuLayout({ allowedCpus: Array.from({ length: availableParallelism() }, (_, cpu) => cpu), generatorCpus: 1, canPin });
  if (layout.isolated) {
    execFileSync('taskset', ['-a', '-p', '-c', layout.serverCpus.join(','), String(serverPid)], { stdio: 'ignore' });
    execFileSync('taskset', ['-a', '-p', '-c', layout.generatorCpus.join(','), String(process.pid)], { stdio: 'ignore' });
  }
  return layout;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const unexpected = new Map<string, number>();
function noteUnexpected(what: string): void {
  unexpected.set(what, (unexpected.get(what) ?? 0) + 1);
}

async function main(): Promise<void> {
  console.log(`load average at start: ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  const server = await startServerProcess({
    grpcPort: null,
    models: [{ name: MODEL, config: { instances: 1, ort: { intraOpThreads: 1, allowSpinning: false }, batching: { enabled: true, maxBatchSize: 16, maxQueueDelayUs: 2000 } } }],
  });
  let rssTimer: NodeJS.Timeout | undefined;
  try {
    console.log(`CPU layout: ${describeCpuLayout(pinProcesses(server.pid))}`);
    for (const [kind, probe] of Object.entries(BAD)) {
      const reply = await post(server.http, probe);
      console.log(`bad request "${kind}": HTTP ${reply.status} ${reply.body.slice(0, 140)}`);
    }
    await closedLoopThroughput(server.http, 16, 3000);
    const capacityRps = await closedLoopThroughput(server.http, 16, CAPACITY_WINDOW_MS);
    const rateRps = capacityRps * LOAD_FRACTION;
    console.log(`capacity ${capacityRps.toFixed(0)} req/s (closed loop, 16 clients, the same mix); soak at ${rateRps.toFixed(0)} req/s for ${SOAK_MINUTES} min, ${(BAD_FRACTION * 100).toFixed(0)}% bad requests, warm-up ${WARMUP_MINUTES} min`);

    const rng = createRng(20261129, 'soak');
    stealFraction();
    const minutes: Minute[] = [];
    const startMs = performance.now();
    const endMs = startMs + SOAK_MINUTES * MINUTE_MS;
    const pending = new Set<Promise<void>>();
    rssTimer = setInterval(() => minutes[minutes.length - 1]?.rssSamples.push(rssBytes(server.pid)), RSS_SAMPLE_MS);
    let scheduledMs = startMs;
    let sent = 0;
    for (;;) {
      scheduledMs += rng.exponential(rateRps / 1000);
      if (scheduledMs >= endMs) break;
      await sleepUntilPrecisely(scheduledMs);
      const minuteIndex = Math.floor((scheduledMs - startMs) / MINUTE_MS);
      while (minutes.length <= minuteIndex) {
        if (minutes.length > 0) {
          minutes[minutes.length - 1]!.stealFraction = stealFraction();
          reportMinute(minutes.length - 1, minutes[minutes.length - 1]!);
        }
        minutes.push(newMinute());
      }
      const minute = minutes[minuteIndex]!;
      minute.sendLagMaxMs = Math.max(minute.sendLagMaxMs, performance.now() - scheduledMs);
      const isBad = rng.next() < BAD_FRACTION;
      const kind = isBad ? BAD_KINDS[sent % BAD_KINDS.length]! : '';
      const probe = isBad ? BAD[kind]! : GOOD[sent % GOOD.length]!;
      sent++;
      const startedAtMs = scheduledMs;
      const exchange = post(server.http, probe).then((reply) => {
        if (isBad) {
          minute.badSent++;
          if (reply.status < 400 || reply.status >= 500) {
            minute.badUnexpected++;
            noteUnexpected(`bad "${kind}" answered HTTP ${reply.status}: ${reply.body.slice(0, 120)}`);
          }
          return;
        }
        minute.goodSent++;
        if (reply.status !== 200) {
          minute.goodFailed++;
          noteUnexpected(`good request answered HTTP ${reply.status}: ${reply.body.slice(0, 120)}`);
          return;
        }
        minute.good.recordValue(Math.max(1, Math.round((performance.now() - startedAtMs) * 1000)));
      });
      pending.add(exchange);
      void exchange.finally(() => pending.delete(exchange));
    }
    await Promise.all(pending);
    clearInterval(rssTimer);
    const last = minutes[minutes.length - 1]!;
    last.rssSamples.push(rssBytes(server.pid));
    last.stealFraction = stealFraction();
    reportMinute(minutes.length - 1, last);
    summarise(minutes);
  } finally {
    clearInterval(rssTimer);
    await server.stop();
    agent.destroy();
  }
  console.log(`load average at end: ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
}

const mebibytes = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

/** The minute's median resident memory: robust to where the collector was at any one sample. */
function minuteRssBytes(minute: Minute): number {
  return minute.rssSamples.length > 0 ? median(minute.rssSamples) : Number.NaN;
}

function reportMinute(index: number, minute: Minute): void {
  const p = (q: number) => (minute.good.totalCount ? (minute.good.getValueAtPercentile(q) / 1000).toFixed(2) : '-');
  const rss = minute.rssSamples.length > 0 ? `${mebibytes(minuteRssBytes(minute))} MiB (${mebibytes(Math.min(...minute.rssSamples))}–${mebibytes(Math.max(...minute.rssSamples))})` : '-';
  console.log(
    `minute ${String(index + 1).padStart(2)}: rss ${rss}, good ${minute.goodSent} (failed ${minute.goodFailed}) p50 ${p(50)} ms p99 ${p(99)} ms, ` +
      `bad ${minute.badSent} (unexpected ${minute.badUnexpected}), max send lag ${minute.sendLagMaxMs.toFixed(1)} ms, steal ${(minute.stealFraction * 100).toFixed(1)}%`,
  );
}

function summarise(minutes: readonly Minute[]): void {
  const measured = minutes.slice(WARMUP_MINUTES);
  if (measured.length < 2) {
    console.log('too few minutes after warm-up for drift figures');
    return;
  }
  const head = measured.slice(0, Math.min(5, Math.ceil(measured.length / 2)));
  const tail = measured.slice(-head.length);
  const rss = (list: readonly Minute[]) => median(list.map(minuteRssBytes).filter(Number.isFinite));
  const rssDrift = rss(tail) / rss(head) - 1;
  const rssMaxDrift = Math.max(...measured.flatMap((minute) => minute.rssSamples)) / rss(head) - 1;
  const p99 = (list: readonly Minute[]) => median(list.map((minute) => minute.good.getValueAtPercentile(99) / 1000));
  const p99Drift = p99(tail) / p99(head) - 1;
  const goodFailed = minutes.reduce((sum, minute) => sum + minute.goodFailed, 0);
  const badUnexpected = minutes.reduce((sum, minute) => sum + minute.badUnexpected, 0);
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  console.log('\n| measure | result | goal |');
  console.log('|---|---|---|');
  console.log(
    `| RSS drift (median of last ${tail.length} vs first ${head.length} minutes; highest sample) | ${(rssDrift * 100).toFixed(1)}% (${mebibytes(rss(head))} → ${mebibytes(rss(tail))} MiB); ${(rssMaxDrift * 100).toFixed(1)}% | ≤ 10% (${verdict(Math.abs(rssDrift) <= 0.1)}) |`,
  );
  console.log(`| p99 drift (median of last ${tail.length} vs first ${head.length} minutes) | ${(p99Drift * 100).toFixed(1)}% (${p99(head).toFixed(2)} → ${p99(tail).toFixed(2)} ms) | ≤ 20% (${verdict(Math.abs(p99Drift) <= 0.2)}) |`);
  console.log(`| good requests failed | ${goodFailed} | 0 (${verdict(goodFailed === 0)}) |`);
  console.log(`| bad requests not answered 4xx | ${badUnexpected} | 0 (${verdict(badUnexpected === 0)}) |`);
  const steal = measured.map((minute) => minute.stealFraction).filter(Number.isFinite);
  if (steal.length > 0) console.log(`| hypervisor steal per minute (median; max) | ${(median(steal) * 100).toFixed(1)}%; ${(Math.max(...steal) * 100).toFixed(1)}% | noise, not the server |`);
  for (const [what, count] of unexpected) console.log(`  ${count}× ${what}`);
}

await main();
