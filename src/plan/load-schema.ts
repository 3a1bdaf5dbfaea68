/**
 * The `load:` section of a study: which load patterns and stress levels each configuration is measured under.
 * Stress levels (light/medium/high/overload) are fractions of the target's measured saturation throughput,
 * found by a capacity search; explicit rates (req/s) and closed-loop concurrencies are also accepted.
 * Each resolved load point becomes a trial context's `load` label, e.g. 'poisson@light', 'constant@200rps', 'closed@8'.
 */
import { z } from 'zod';
import { DEFAULT_CAPACITY_STEP_MS, DEFAULT_STRESS_FRACTIONS, MAX_STRESS_FRACTION, STRESS_LEVELS, type StressLevel } from '../core/load-vocabulary.js';
import { durationMsNumber, durationText, resolveDurationPair, strict } from './schema-issues.js';

export const LOAD_PATTERNS = ['poisson', 'constant', 'closed'] as const;
export type LoadPatternKind = (typeof LOAD_PATTERNS)[number];

export { STRESS_LEVELS, DEFAULT_STRESS_FRACTIONS, type StressLevel } from '../core/load-vocabulary.js';

export interface LoadPoint {
  readonly label: string;
  readonly pattern: LoadPatternKind;
  readonly level?: StressLevel;
  readonly rateRps?: number;
  readonly concurrency?: number;
  readonly thinkTimeMs?: number;
}

const positive = z.number({ error: 'expected a positive number' }).positive({ error: 'expected a positive number' });
const positiveInt = z.number({ error: 'expected a positive integer' }).int({ error: 'expected a positive integer' }).positive({
  error: 'expected a positive integer',
});
const fractionError = `expected a fraction in (0, ${MAX_STRESS_FRACTION}]`;
const fraction = z.number({ error: fractionError }).gt(0, { error: fractionError }).max(MAX_STRESS_FRACTION, { error: fractionError });

const patternShape = {
  pattern: z.enum(LOAD_PATTERNS, { error: `expected one of ${LOAD_PATTERNS.join(', ')}` }),
  /** Open loop: stress levels, as fractions of measured capacity. */
  levels: z.array(z.enum(STRESS_LEVELS, { error: `expected one of ${STRESS_LEVELS.join(', ')}` })).min(1).optional(),
  /** Open loop: fixed arrival rates, req/s. */
  rates: z.array(positive).min(1).optional(),
  /** Closed loop: concurrent clients. */
  concurrency: z.array(positiveInt).min(1).optional(),
  /** Closed loop: pause between a response and the client's next request. */
  thinkTime: durationText.optional(),
  thinkTimeMs: durationMsNumber.optional(),
};

const patternEntry = strict(patternShape);
type PatternEntry = z.output<typeof patternEntry>;

const capacitySchema = strict({
  fractions: strict({ light: fraction.optional(), medium: fraction.optional(), high: fraction.optional(), overload: fraction.optional() }).optional(),
  /**
   * A capacity-search step fails when its p99 exceeds this bound (or it achieves < 95% of its offered rate).
   * Default: derived from the model's unloaded service time, measured first with one request at a time:
   * max(5 × unloaded p99, unloaded p99 + 10 ms) (src/load/latency-bound.ts); never from a loaded step.
   */
  maxP99Ms: positive.optional(),
  /** ...or when the error rate exceeds this one. */
  maxErrorRate: z.number().min(0).max(1, { error: 'expected a fraction in [0, 1]' }).optional(),
  startRps: positive.optional(),
  stepDuration: durationText.optional(),
  stepDurationMs: durationMsNumber.optional(),
}).transform(({ fractions, stepDuration, stepDurationMs, ...rest }, ctx) => ({
  ...rest,
  fractions: { ...DEFAULT_STRESS_FRACTIONS, ...definedOnly(fractions ?? {}) },
  stepDurationMs: resolveDurationPair(ctx, 'stepDuration', stepDuration, stepDurationMs, DEFAULT_CAPACITY_STEP_MS),
}));

export const loadSchema = strict({
  pattern: patternShape.pattern.optional(),
  levels: patternShape.levels,
  rates: patternShape.rates,
  concurrency: patternShape.concurrency,
  thinkTime: patternShape.thinkTime,
  thinkTimeMs: patternShape.thinkTimeMs,
  /** Several patterns, each measured in turn (instead of the single-pattern keys above). */
  patterns: z.array(patternEntry).min(1).optional(),
  duration: durationText.optional(),
  durationMs: durationMsNumber.optional(),
  warmup: durationText.optional(),
  warmupMs: durationMsNumber.optional(),
  capacity: capacitySchema.optional(),
  /** A trial too short for the percentiles its objectives use: extend it (default) or refuse the study. */
  minimumDuration: z.enum(['extend', 'refuse'], { error: 'expected extend or refuse' }).default('extend'),
}).transform((load, ctx) => {
  const { patterns, duration, durationMs, warmup, warmupMs, capacity, minimumDuration, ...single } = load;
  const singleGiven = Object.values(single).some((value) => value !== undefined);
  if (patterns !== undefined && singleGiven) {
    ctx.issues.push({ code: 'custom', message: 'give either patterns: [...] or one pattern inline, not both', input: single, path: ['patterns'] });
  }
  const entries: { entry: PatternEntry; path: (string | number)[] }[] =
    patterns?.map((entry, index) => ({ entry, path: ['patterns', index] })) ??
    (single.pattern === undefined && singleGiven
      ? (ctx.issues.push({ code: 'custom', message: 'required', path: ['pattern'], input: undefined }), [])
      : [{ entry: { ...single, pattern: single.pattern ?? 'poisson', levels: single.levels ?? (singleGiven ? undefined : ['medium']) }, path: [] }]);
  const points: LoadPoint[] = [];
  for (const { entry, path } of entries) points.push(...pointsOf(entry, (message) => ctx.issues.push({ code: 'custom', message, path, input: entry })));
  const durationTotalMs = resolveDurationPair(ctx, 'duration', duration, durationMs, 20_000);
  if (durationTotalMs <= 0) ctx.issues.push({ code: 'custom', message: 'expected a positive duration', path: ['duration'], input: durationTotalMs });
  const labels = new Set<string>();
  for (const point of points) {
    if (labels.has(point.label)) ctx.issues.push({ code: 'custom', message: `load point '${point.label}' is listed twice`, path: ['patterns'], input: point.label });
    labels.add(point.label);
  }
  return {
    points,
    durationMs: durationTotalMs,
    warmupMs: resolveDurationPair(ctx, 'warmup', warmup, warmupMs, 5_000),
    capacity: capacity ?? { fractions: { ...DEFAULT_STRESS_FRACTIONS }, stepDurationMs: DEFAULT_CAPACITY_STEP_MS },
    minimumDuration,
  };
});

export type LoadSettings = z.output<typeof loadSchema>;

function pointsOf(entry: PatternEntry, report: (message: string) => void): LoadPoint[] {
  const thinkTimeMs = entry.thinkTime ?? entry.thinkTimeMs;
  if (entry.thinkTime !== undefined && entry.thinkTimeMs !== undefined) report('give either thinkTime or thinkTimeMs, not both');
  if (entry.pattern === 'closed') {
    if (entry.levels !== undefined || entry.rates !== undefined) report('a closed-loop pattern takes concurrency: [...], not levels or rates');
    if (entry.concurrency === undefined) report('a closed-loop pattern needs concurrency: [N, ...]');
    return (entry.concurrency ?? []).map((concurrency) => ({
      label: `closed@${concurrency}`,
      pattern: 'closed',
      concurrency,
      ...(thinkTimeMs === undefined ? {} : { thinkTimeMs }),
    }));
  }
  if (entry.concurrency !== undefined || thinkTimeMs !== undefined) report(`an open-loop ${entry.pattern} pattern takes levels or rates, not concurrency or thinkTime`);
  if (entry.levels === undefined && entry.rates === undefined) report(`a ${entry.pattern} pattern needs levels: [light, medium, high] or rates: [req/s, ...]`);
  return [
    ...(entry.levels ?? []).map((level) => ({ label: `${entry.pattern}@${level}`, pattern: entry.pattern, level })),
    ...(entry.rates ?? []).map((rateRps) => ({ label: `${entry.pattern}@${rateRps}rps`, pattern: entry.pattern, rateRps })),
  ];
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}
