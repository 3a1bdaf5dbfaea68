import type { Command } from 'commander';
import { parseDurationMs } from '../../core/duration.js';
import { ServelabError } from '../../core/errors.js';
import { reasonMessages } from '../../core/verdict-reason.js';
import {
  findCapacity,
  isStressLevel,
  parseLevelFractions,
  readTraceFile,
  runLoad,
  type CapacityResult,
  type LoadSummary,
  type PatternSpec,
  type RateSpec,
  type RunLoadOptions,
} from '../../load/index.js';
import { EXIT_INVALID_RUN, ExitStatusError } from '../exit-status.js';
import { emitJson, printTable } from '../output.js';

interface LoadFlags {
  target?: string;
  protocol: string;
  model: string;
  workload: string;
  pattern: string;
  rate?: string;
  level?: string;
  concurrency?: string;
  thinkTime?: string;
  levels?: string;
  stepDuration?: string;
  from?: string;
  to?: string;
  base?: string;
  spike?: string;
  spikeAt?: string;
  spikeDuration?: string;
  mean?: string;
  amplitude?: string;
  period?: string;
  arrivals?: string;
  trace?: string;
  duration?: string;
  warmup: string;
  window?: string;
  seed: string;
  batchSize: string;
  sampleCount?: string;
  inFlightCap: string;
  timeout: string;
  processes: string;
  capacity?: string;
  fractions?: string;
  latencyBound?: string;
  maxErrorRate: string;
  capacityStart?: string;
  capacityStep?: string;
  findCapacity?: boolean;
  allowRemote?: boolean;
  failOnInvalid: boolean;
  json?: string | boolean;
}

function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new ServelabError(`${flag} expects a number, but got '${value}'`);
  return parsed;
}

function rate(value: string | undefined, flag: string): RateSpec | undefined {
  if (value === undefined) return undefined;
  return isStressLevel(value) ? value : number(value, flag);
}

function required<T>(value: T | undefined, flag: string, pattern: string): T {
  if (value === undefined) throw new ServelabError(`--pattern ${pattern} needs ${flag}`);
  return value;
}

function duration(value: string | undefined, flag: string): number | undefined {
  return value === undefined ? undefined : parseDurationMs(value, flag);
}

/** The pattern named by --pattern, built from its flags (shorthand patterns go through runLoad's own fields). */
function patternOf(flags: LoadFlags): Pick<RunLoadOptions, 'pattern' | 'rateRps' | 'level' | 'concurrency' | 'thinkTimeMs'> {
  const arrivals = flags.arrivals ?? 'poisson';
  if (arrivals !== 'poisson' && arrivals !== 'uniform') throw new ServelabError(`--arrivals expects poisson or uniform, but got '${arrivals}'`);
  const p = flags.pattern;
  switch (p) {
    case 'constant':
    case 'poisson': {
      if (flags.rate !== undefined && flags.level !== undefined) throw new ServelabError('give --rate or --level, not both');
      const given = rate(flags.rate, '--rate') ?? (flags.level === undefined ? undefined : rate(flags.level, '--level'));
      if (flags.level !== undefined && !isStressLevel(flags.level)) throw new ServelabError(`--level expects light, medium, high or overload, but got '${flags.level}'`);
      return { pattern: { type: p, rateRps: required(given, '--rate N or --level LEVEL', p) } };
    }
    case 'closed':
      return { pattern: 'closed', concurrency: required(number(flags.concurrency, '--concurrency'), '--concurrency N', p), thinkTimeMs: duration(flags.thinkTime, '--think-time') ?? 0 };
    case 'step': {
      const stepMs = required(duration(flags.stepDuration, '--step-duration'), '--step-duration', p);
      const levels = required(flags.levels, '--levels (e.g. light,medium,high or 50,100,200)', p).split(',').map((item) => rate(item.trim(), '--levels')!);
      return { pattern: { type: 'step', arrivals, steps: levels.map((rateRps) => ({ rateRps, durationMs: stepMs })) } };
    }
    case 'ramp':
      return { pattern: { type: 'ramp', arrivals, fromRps: required(rate(flags.from, '--from'), '--from', p), toRps: required(rate(flags.to, '--to'), '--to', p) } };
    case 'spike':
      return {
        pattern: {
          type: 'spike',
          arrivals,
          baseRps: required(rate(flags.base, '--base'), '--base', p),
          spikeRps: required(rate(flags.spike, '--spike'), '--spike', p),
          spikeAtMs: required(duration(flags.spikeAt, '--spike-at'), '--spike-at', p),
          spikeDurationMs: required(duration(flags.spikeDuration, '--spike-duration'), '--spike-duration', p),
        },
      };
    case 'sinusoidal':
      return {
        pattern: {
          type: 'sinusoidal',
          arrivals,
          meanRps: required(rate(flags.mean, '--mean'), '--mean', p),
          amplitudeRps: required(rate(flags.amplitude, '--amplitude'), '--amplitude', p),
          periodMs: required(duration(flags.period, '--period'), '--period', p),
        },
      };
    case 'trace':
      return { pattern: { type: 'trace', offsetsMs: readTraceFile(required(flags.trace, '--trace FILE', p)) } satisfies PatternSpec };
    default:
      throw new ServelabError(`unknown --pattern '${p}'; expected constant, poisson, step, ramp, spike, sinusoidal, trace or closed`);
  }
}

function optionsOf(flags: LoadFlags, withPattern: boolean): RunLoadOptions {
  const grpc = flags.protocol === 'kserve-grpc';
  const capacityStart = number(flags.capacityStart, '--capacity-start');
  const capacityStep = duration(flags.capacityStep, '--capacity-step');
  const define = <T>(key: string, value: T | undefined) => (value === undefined ? {} : { [key]: value });
  return {
    target: flags.target ?? (grpc ? '127.0.0.1:8501' : 'http://127.0.0.1:8500'),
    protocol: flags.protocol as RunLoadOptions['protocol'],
    allowRemote: flags.allowRemote ?? false,
    model: flags.model,
    workload: flags.workload,
    ...(withPattern ? patternOf(flags) : { pattern: 'poisson' }),
    ...define('durationMs', duration(flags.duration, '--duration')),
    warmupMs: duration(flags.warmup, '--warmup')!,
    ...define('windowMs', duration(flags.window, '--window')),
    seed: number(flags.seed, '--seed')!,
    batchSize: number(flags.batchSize, '--batch-size')!,
    ...define('sampleCount', number(flags.sampleCount, '--sample-count')),
    inFlightCap: number(flags.inFlightCap, '--in-flight-cap')!,
    timeoutMs: duration(flags.timeout, '--timeout')!,
    processes: number(flags.processes, '--processes')!,
    maxErrorRate: number(flags.maxErrorRate, '--max-error-rate')!,
    ...define('latencyBoundMs', number(flags.latencyBound, '--latency-bound')),
    ...define('capacityRps', number(flags.capacity, '--capacity')),
    ...define('fractions', flags.fractions === undefined ? undefined : parseLevelFractions(flags.fractions)),
    ...(capacityStart !== undefined || capacityStep !== undefined
      ? { capacitySearch: { ...define('startRps', capacityStart), ...define('stepDurationMs', capacityStep) } }
      : {}),
  } as RunLoadOptions;
}

const fixed = (value: number | null | undefined, digits = 2): string => (value === null || value === undefined ? '-' : value.toFixed(digits));

function printSummary(summary: LoadSummary): void {
  console.log(`${summary.pattern} → ${summary.model} on ${summary.target} (${summary.protocol}), ${summary.durationMs / 1000} s after ${summary.warmupMs / 1000} s warm-up`);
  if (summary.capacity) console.log(`capacity ${summary.capacity.capacityRps.toFixed(1)} req/s (${summary.capacity.measured ? 'measured' : 'given'})`);
  printTable(
    ['', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean'],
    [
      ['latency ms (from schedule)', ...latencyCells(summary.latencyMs, summary)],
      ['service ms (from send)', ...latencyCells(summary.serviceTimeMs, summary)],
    ],
  );
  const errors = Object.entries(summary.errors.byKind).map(([kind, count]) => `${kind}=${count}`).join(' ') || '0';
  console.log(
    `offered ${fixed(summary.offeredRps, 1)} req/s, achieved ${summary.achievedRps.toFixed(1)} req/s; requests ${summary.requests}, completed ${summary.completed}, errors ${errors}, dropped ${summary.dropped}, timeouts ${summary.timeouts}`,
  );
  for (const [kind, message] of Object.entries(summary.errors.examples ?? {})) console.log(`  first ${kind}: ${message}`);
  if (summary.server) {
    const server = summary.server;
    console.log(`server: queue mean ${server.queueUs.mean} µs, compute mean ${server.computeUs.mean} µs, batch ${server.meanBatchSize.toFixed(2)}, cache hits ${(server.cacheHitRate * 100).toFixed(1)}%`);
  }
  const lag = summary.generator.scheduleLagMs;
  console.log(`generator: ${summary.generator.processes} process(es), CPU ${(summary.generator.cpuFraction * 100).toFixed(0)}% of a core${lag ? `, schedule lag p99 ${lag.p99} ms` : ''}`);
  printTable(
    ['window s', 'offered/s', 'achieved/s', 'p50 ms', 'p99 ms', 'errors', 'dropped'],
    summary.windows.map((w) => [`${w.startMs / 1000}-${w.endMs / 1000}`, w.offeredRps.toFixed(1), w.achievedRps.toFixed(1), fixed(w.p50Ms), fixed(w.p99Ms), w.errors, w.dropped]),
  );
  console.log(`stability: ${summary.stability.state}${'reason' in summary.stability ? ` (${summary.stability.reason})` : ''}`);
  console.log(summary.valid ? 'VALID' : `INVALID\n${summary.reasons.map((reason) => `  - ${reason.message}`).join('\n')}`);
}

function latencyCells(stats: LoadSummary['latencyMs'], summary: LoadSummary): string[] {
  if (!stats) return ['-', '-', '-', '-', '-', '-', '-'];
  const flag = (name: keyof LoadSummary['percentileSupport'], value: number): string => `${value.toFixed(2)}${summary.percentileSupport[name].supported ? '' : '*'}`;
  return [flag('p50', stats.p50), flag('p90', stats.p90), flag('p95', stats.p95), flag('p99', stats.p99), flag('p999', stats.p999), stats.max.toFixed(2), stats.mean.toFixed(2)];
}

function printCapacity(result: CapacityResult): void {
  printTable(
    ['rate req/s', 'achieved req/s', 'p99 ms', 'errors', 'result'],
    result.steps.map((step) => [step.rateRps.toFixed(1), step.achievedRps.toFixed(1), fixed(step.p99Ms), `${(step.errorRate * 100).toFixed(1)}%`, step.passed ? 'pass' : `fail: ${step.note}`]),
  );
  console.log(`capacity ${result.capacityRps.toFixed(1)} req/s (p99 bound ${result.maxP99Ms} ms, error bound ${result.maxErrorRate * 100}%)`);
  for (const warning of result.warnings) console.log(`warning: ${warning}`);
}

export function registerLoad(program: Command): void {
  program
    .command('load')
    .description('send open- or closed-loop load to a model server and measure it (latency from the scheduled send, HDR histograms, VALID/INVALID)')
    .option('--target <url>', 'server address (default http://127.0.0.1:8500, or 127.0.0.1:8501 for kserve-grpc); loopback only unless --allow-remote')
    .option('--protocol <name>', 'kserve-http | kserve-http-binary | kserve-grpc | tfserving-http', 'kserve-http')
    .requiredOption('--model <name>', 'model name on the server')
    .requiredOption('--workload <name>', 'workload whose samples become the requests (see `servelab workloads`)')
    .option('--pattern <name>', 'constant | poisson | step | ramp | spike | sinusoidal | trace | closed', 'poisson')
    .option('--rate <n>', 'open loop: requests per second (or a stress level)')
    .option('--level <level>', 'open loop: light | medium | high | overload (fractions of measured capacity)')
    .option('--concurrency <n>', 'closed loop: concurrent clients')
    .option('--think-time <duration>', 'closed loop: pause after each response')
    .option('--levels <list>', 'step: rates or levels per step, e.g. light,medium,high')
    .option('--step-duration <duration>', 'step: length of each step')
    .option('--from <rate>', 'ramp: start rate or level')
    .option('--to <rate>', 'ramp: end rate or level')
    .option('--base <rate>', 'spike: base rate or level')
    .option('--spike <rate>', 'spike: rate during the spike')
    .option('--spike-at <duration>', 'spike: when the spike starts')
    .option('--spike-duration <duration>', 'spike: how long it lasts')
    .option('--mean <rate>', 'sinusoidal: mean rate or level')
    .option('--amplitude <rate>', 'sinusoidal: amplitude (<= mean)')
    .option('--period <duration>', 'sinusoidal: period (e.g. 60s for a compressed day)')
    .option('--arrivals <kind>', 'step/ramp/spike/sinusoidal arrivals: poisson | uniform', 'poisson')
    .option('--trace <file>', 'trace: CSV of arrival offsets (header offset_ms, offset_s or offset_us; ms without header)')
    .option('--duration <duration>', 'measured duration (default 30s; steps and traces bring their own)')
    .option('--warmup <duration>', 'warm-up before measuring, discarded', '5s')
    .option('--window <duration>', 'measurement window for the per-window series and stability (default duration/10, 250ms-5s)')
    .option('--seed <n>', 'seed of the schedule and sample order', '1')
    .option('--batch-size <n>', 'samples per request', '1')
    .option('--sample-count <n>', 'cycle through only the first N requests of the workload, each encoded once')
    .option('--in-flight-cap <n>', 'open loop: requests in flight at most; beyond it requests are dropped and counted', '1024')
    .option('--timeout <duration>', 'per-request timeout', '10s')
    .option('--processes <n>', 'generator processes (for rates one event loop cannot send)', '1')
    .option('--capacity <rps>', 'known capacity for stress levels (skips the capacity search)')
    .option('--fractions <list>', 'level fractions, e.g. light=0.25,medium=0.6,high=0.9,overload=1.2')
    .option('--capacity-start <rps>', 'capacity search: first rate (default 50)')
    .option('--capacity-step <duration>', 'capacity search: length of each step (default 5s)')
    .option('--find-capacity', 'only run the capacity search and print it')
    .option('--latency-bound <ms>', 'INVALID when p99 exceeds this many ms')
    .option('--max-error-rate <fraction>', 'INVALID above this error rate', '0.01')
    .option('--allow-remote', 'allow a non-loopback target')
    .option('--no-fail-on-invalid', `exit 0 when the run is INVALID (default: exit status ${EXIT_INVALID_RUN})`)
    .option('--json [file]', 'print the summary as JSON (or write it to the file)')
    .action(async (flags: LoadFlags) => {
      const options = optionsOf(flags, !flags.findCapacity);
      const jsonPath = typeof flags.json === 'string' ? flags.json : undefined;
      if (flags.findCapacity) {
        const { pattern: _p, rateRps: _r, level: _l, concurrency: _c, thinkTimeMs: _t, ...rest } = options;
        const result = await findCapacity(rest);
        if (flags.json) emitJson(result, jsonPath);
        if (!flags.json || jsonPath) printCapacity(result);
        return;
      }
      const summary = await runLoad(options);
      if (flags.json) emitJson(summary, jsonPath);
      if (!flags.json || jsonPath) printSummary(summary);
      if (!summary.valid && flags.failOnInvalid) {
        throw new ExitStatusError(`the run is INVALID (exit status ${EXIT_INVALID_RUN}; --no-fail-on-invalid exits 0): ${reasonMessages(summary.reasons).join('; ')}`, EXIT_INVALID_RUN);
      }
    });
}
