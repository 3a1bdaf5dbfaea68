/**
 * Options of a load run: one zod schema for everything that can travel (to fan-out workers, into a study
 * file), resolved into a LoadPlan with every problem reported at once, before any connection is made.
 */
import { DEFAULT_CAPACITY_STEP_MS, MAX_STRESS_FRACTION } from '../core/load-vocabulary.js';
import { z } from 'zod';
import { ServelabError } from '../core/errors.js';
import { PROTOCOLS, type Protocol } from '../core/target.js';
import {
  PATTERN_TYPES,
  STRESS_LEVELS,
  intrinsicDurationMs,
  patternLabel,
  patternProblems,
  patternSchema,
  type PatternSpec,
  type RateSpec,
  type StressLevel,
} from './pattern.js';

const fractionsSchema = z.strictObject(Object.fromEntries(STRESS_LEVELS.map((level) => [level, z.number().positive().max(MAX_STRESS_FRACTION).optional()])) as Record<
  StressLevel,
  z.ZodOptional<z.ZodNumber>
>);

export const capacitySearchSchema = z.strictObject({
  /** First rate tried (req/s). */
  startRps: z.number().positive().max(1_000_000).default(50),
  /**
   * A step fails when its p99 exceeds this bound. Default: derived from the unloaded service time (see
   * latency-bound.ts): max(unloadedP99Multiple × unloaded p99, unloaded p99 + unloadedHeadroomMs).
   */
  maxP99Ms: z.number().positive().optional(),
  /** Length of the sequential single-request probe that measures the unloaded service time. */
  unloadedProbeMs: z.number().positive().max(600_000).default(2000),
  unloadedP99Multiple: z.number().gt(1).max(1000).default(5),
  unloadedHeadroomMs: z.number().min(0).max(60_000).default(10),
  maxErrorRate: z.number().min(0).max(1).default(0.01),
  /** A step passes when at least this share of the requests it scheduled complete within it. */
  minAchievedFraction: z.number().gt(0).max(1).default(0.95),
  stepDurationMs: z.number().positive().max(600_000).default(DEFAULT_CAPACITY_STEP_MS),
  warmupMs: z.number().min(0).max(600_000).default(500),
  /** Binary search stops when the bracket is this narrow relative to its low end. */
  precision: z.number().gt(0).max(1).default(0.05),
  maxSteps: z.int().min(2).max(100).default(16),
});
export type CapacitySearchOptions = z.input<typeof capacitySearchSchema>;

export const loadOptionsSchema = z.strictObject({
  target: z.string().min(1).optional(),
  protocol: z.enum(PROTOCOLS, { error: `expected one of ${PROTOCOLS.join(', ')}` }).optional(),
  allowRemote: z.boolean().default(false),
  model: z.string().min(1, { error: 'expected a model name' }),
  workload: z.string().min(1).optional(),
  batchSize: z.int().min(1).max(4096).default(1),
  /** Cycle through exactly this many distinct requests (e.g. 1 to exercise a response cache); overrides samplePoolSize. */
  sampleCount: z.int().min(1).max(1_000_000).optional(),
  /** Distinct real samples encoded before the run starts (MLPerf LoadGen's performance sample count); default 1024. */
  samplePoolSize: z.int().min(1).max(1_000_000).optional(),
  /** Bound on the encoded bytes of that pool; default 128 MiB (at least one request is always held). */
  samplePoolBytes: z.int().min(1).max(16 * 1024 ** 3).optional(),
  pattern: z.union([z.enum(PATTERN_TYPES), patternSchema], { error: `expected a pattern: one of ${PATTERN_TYPES.join(', ')}, or a pattern object` }),
  rateRps: z.number().optional(),
  level: z.enum(STRESS_LEVELS).optional(),
  /** Step shorthand: one rate or level per step, each stepDurationMs long. */
  levels: z.array(z.union([z.number(), z.enum(STRESS_LEVELS)])).min(1).optional(),
  stepDurationMs: z.number().optional(),
  concurrency: z.number().optional(),
  thinkTimeMs: z.number().optional(),
  durationMs: z.number().optional(),
  warmupMs: z.number().min(0, { error: 'expected a warm-up of 0 ms or more' }).max(3_600_000).default(5000),
  seed: z.int().default(1),
  inFlightCap: z.int().min(1).max(100_000).default(1024),
  timeoutMs: z.number().positive().max(600_000).default(10_000),
  windowMs: z.number().positive().optional(),
  processes: z.int().min(1).max(64).default(1),
  maxErrorRate: z.number().min(0).max(1).default(0.01),
  latencyBoundMs: z.number().positive().optional(),
  capacityRps: z.number().positive().optional(),
  fractions: fractionsSchema.optional(),
  capacitySearch: capacitySearchSchema.optional(),
  /** HTTP protocols: most connections held open at once (default: the in-flight cap). */
  maxConnections: z.int().min(1).max(100_000).optional(),
});

export type LoadOptionsInput = z.input<typeof loadOptionsSchema>;
type LoadOptions = z.output<typeof loadOptionsSchema>;

/** A run, fully resolved except for stress levels (which need a capacity). */
export interface LoadPlan extends Omit<LoadOptions, 'pattern' | 'rateRps' | 'level' | 'levels' | 'stepDurationMs' | 'concurrency' | 'thinkTimeMs' | 'durationMs' | 'windowMs' | 'capacitySearch'> {
  readonly pattern: PatternSpec;
  readonly label: string;
  readonly durationMs: number;
  readonly windowMs: number;
  readonly capacitySearch: z.output<typeof capacitySearchSchema>;
}

export const DEFAULT_DURATION_MS = 30_000;

/** Validates the options, reporting every problem in one error; nothing has touched the network yet. */
export function resolveLoadPlan(input: unknown): LoadPlan {
  const parsed = loadOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : 'options'}: ${issue.message}`);
    throw new ServelabError(`invalid load options: ${lines.join('; ')}`);
  }
  const options = parsed.data;
  const problems: string[] = [];
  const pattern = patternFromOptions(options, problems);
  if (pattern) problems.push(...patternProblems(pattern));
  const intrinsic = pattern ? intrinsicDurationMs(pattern) : undefined;
  let durationMs = options.durationMs ?? intrinsic ?? DEFAULT_DURATION_MS;
  if (options.durationMs !== undefined && (!Number.isFinite(options.durationMs) || options.durationMs <= 0)) {
    problems.push(`durationMs must be a positive duration, but got ${options.durationMs}`);
    durationMs = 1;
  }
  if (pattern?.type === 'step' && options.durationMs !== undefined && intrinsic !== undefined && options.durationMs !== intrinsic) {
    problems.push(`the step pattern lasts ${intrinsic} ms (the sum of its steps), but durationMs is ${options.durationMs}; give one or the other`);
  }
  if (!options.target && options.protocol) problems.push('a protocol was given without a target');
  if (options.target && !options.protocol) problems.push('a target needs a protocol');
  if (options.processes > 1 && pattern?.type !== 'closed' && options.inFlightCap < options.processes) {
    problems.push(`inFlightCap (${options.inFlightCap}) must be at least the number of processes (${options.processes})`);
  }
  if (problems.length > 0 || !pattern) throw new ServelabError(`invalid load: ${problems.join('; ')}`);
  const windowMs = options.windowMs ?? Math.min(5000, Math.max(250, Math.round(durationMs / 10)));
  const { rateRps: _r, level: _l, levels: _ls, stepDurationMs: _s, concurrency: _c, thinkTimeMs: _t, durationMs: _d, windowMs: _w, ...rest } = options;
  return { ...rest, pattern, label: patternLabel(pattern), durationMs, windowMs, capacitySearch: capacitySearchSchema.parse(options.capacitySearch ?? {}) };
}

function patternFromOptions(options: LoadOptions, problems: string[]): PatternSpec | undefined {
  if (typeof options.pattern === 'object') {
    const extras = (['rateRps', 'level', 'levels', 'concurrency', 'thinkTimeMs', 'stepDurationMs'] as const).filter((key) => options[key] !== undefined);
    if (extras.length > 0) problems.push(`${extras.join(', ')} cannot be combined with a pattern object; put them inside it`);
    return options.pattern as PatternSpec;
  }
  const type = options.pattern;
  const rate = (): RateSpec | undefined => {
    if (options.rateRps !== undefined && options.level !== undefined) problems.push('give rateRps or level, not both');
    return options.rateRps ?? options.level;
  };
  switch (type) {
    case 'constant':
    case 'poisson': {
      const rateRps = rate();
      if (rateRps === undefined) {
        problems.push(`a ${type} pattern needs a rate (rateRps) or a stress level (level)`);
        return undefined;
      }
      return { type, rateRps };
    }
    case 'closed':
      if (options.concurrency === undefined) {
        problems.push('a closed-loop pattern needs a concurrency');
        return undefined;
      }
      return { type, concurrency: options.concurrency, thinkTimeMs: options.thinkTimeMs ?? 0 };
    case 'step':
      if (!options.levels || options.stepDurationMs === undefined) {
        problems.push('a step pattern needs levels (rates or stress levels) and stepDurationMs, or a pattern object with steps');
        return undefined;
      }
      return { type, arrivals: 'poisson', steps: options.levels.map((rateRps) => ({ rateRps, durationMs: options.stepDurationMs! })) };
    default:
      problems.push(`a ${type} pattern must be given as an object, e.g. ${PATTERN_EXAMPLES[type]}`);
      return undefined;
  }
}

const PATTERN_EXAMPLES: Record<string, string> = {
  ramp: "{type: 'ramp', fromRps: 10, toRps: 200}",
  spike: "{type: 'spike', baseRps: 50, spikeRps: 400, spikeAtMs: 10000, spikeDurationMs: 2000}",
  sinusoidal: "{type: 'sinusoidal', meanRps: 100, amplitudeRps: 50, periodMs: 60000}",
  trace: "{type: 'trace', offsetsMs: [...]} (see readTraceFile)",
};

export type { Protocol };
