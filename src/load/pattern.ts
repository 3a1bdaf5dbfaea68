/**
 * Load patterns: a tagged union on `type`, validated by one zod schema. Open-loop patterns describe arrival
 * rates over time (their schedule is generated up front, see schedule.ts); `closed` describes N clients that
 * each send on completion. Rates may be given as stress levels, resolved against a measured capacity.
 */
import { z } from 'zod';
import { ServelabError } from '../core/errors.js';

import { STRESS_LEVELS, type StressLevel } from '../core/load-vocabulary.js';

export { STRESS_LEVELS, type StressLevel };

/** How arrivals are spread within a rate: Poisson (exponential gaps) or evenly spaced. */
export const ARRIVAL_PROCESSES = ['poisson', 'uniform'] as const;
export type ArrivalProcess = (typeof ARRIVAL_PROCESSES)[number];

export const PATTERN_TYPES = ['constant', 'poisson', 'step', 'ramp', 'spike', 'sinusoidal', 'trace', 'closed'] as const;
export type PatternType = (typeof PATTERN_TYPES)[number];

/** A rate in requests per second, or (before resolution) a stress level. */
export type RateSpec = number | StressLevel;

export type LoadPattern<Rate extends RateSpec = number> =
  | { readonly type: 'constant'; readonly rateRps: Rate }
  | { readonly type: 'poisson'; readonly rateRps: Rate }
  | { readonly type: 'step'; readonly steps: readonly { readonly rateRps: Rate; readonly durationMs: number }[]; readonly arrivals: ArrivalProcess }
  | { readonly type: 'ramp'; readonly fromRps: Rate; readonly toRps: Rate; readonly arrivals: ArrivalProcess }
  | {
      readonly type: 'spike';
      readonly baseRps: Rate;
      readonly spikeRps: Rate;
      readonly spikeAtMs: number;
      readonly spikeDurationMs: number;
      readonly arrivals: ArrivalProcess;
    }
  | {
      readonly type: 'sinusoidal';
      readonly meanRps: Rate;
      readonly amplitudeRps: Rate;
      readonly periodMs: number;
      readonly arrivals: ArrivalProcess;
    }
  | { readonly type: 'trace'; readonly offsetsMs: readonly number[] }
  | { readonly type: 'closed'; readonly concurrency: number; readonly thinkTimeMs: number };

export type PatternSpec = LoadPattern<RateSpec>;
export type OpenLoopPattern = Exclude<LoadPattern, { type: 'closed' }>;

/** Hard bounds so every run stops by itself and fits in memory. */
export const MAX_SCHEDULED_REQUESTS = 10_000_000;
export const MAX_RATE_RPS = 1_000_000;
export const MAX_CONCURRENCY = 10_000;

const rateSpec = z.union([z.number(), z.enum(STRESS_LEVELS)], {
  error: `expected a rate in req/s or one of ${STRESS_LEVELS.join(', ')}`,
});
const nonNegativeMs = z.number({ error: 'expected a number of milliseconds' });
const arrivals = z.enum(ARRIVAL_PROCESSES, { error: `expected one of ${ARRIVAL_PROCESSES.join(', ')}` }).default('poisson');

export const patternSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('constant'), rateRps: rateSpec }),
    z.strictObject({ type: z.literal('poisson'), rateRps: rateSpec }),
    z.strictObject({
      type: z.literal('step'),
      steps: z.array(z.strictObject({ rateRps: rateSpec, durationMs: nonNegativeMs }), { error: 'expected a list of {rateRps, durationMs}' }),
      arrivals,
    }),
    z.strictObject({ type: z.literal('ramp'), fromRps: rateSpec, toRps: rateSpec, arrivals }),
    z.strictObject({
      type: z.literal('spike'),
      baseRps: rateSpec,
      spikeRps: rateSpec,
      spikeAtMs: nonNegativeMs,
      spikeDurationMs: nonNegativeMs,
      arrivals,
    }),
    z.strictObject({ type: z.literal('sinusoidal'), meanRps: rateSpec, amplitudeRps: rateSpec, periodMs: nonNegativeMs, arrivals }),
    z.strictObject({ type: z.literal('trace'), offsetsMs: z.array(z.number()) }),
    z.strictObject({ type: z.literal('closed'), concurrency: z.number(), thinkTimeMs: nonNegativeMs.default(0) }),
  ],
  { error: `expected a pattern type: one of ${PATTERN_TYPES.join(', ')}` },
);

/** Parses a pattern object, reporting every structural problem with its path, then every semantic one. */
export function parsePattern(input: unknown): PatternSpec {
  const parsed = patternSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : 'pattern'}: ${issue.message}`);
    throw new ServelabError(`invalid load pattern: ${lines.join('; ')}`);
  }
  return parsed.data as PatternSpec;
}

/** Semantic checks that hold for any duration: positive finite rates and durations, amplitude <= mean. */
export function patternProblems(pattern: PatternSpec): string[] {
  const problems: string[] = [];
  const rate = (name: string, value: RateSpec, allowZero = false): void => {
    if (typeof value !== 'number') return;
    if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
      problems.push(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} rate in req/s, but got ${value}`);
    } else if (value > MAX_RATE_RPS) problems.push(`${name} must be at most ${MAX_RATE_RPS} req/s, but got ${value}`);
  };
  const duration = (name: string, value: number, allowZero = false): void => {
    if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
      problems.push(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} duration in ms, but got ${value}`);
    }
  };
  switch (pattern.type) {
    case 'constant':
    case 'poisson':
      rate('rateRps', pattern.rateRps);
      break;
    case 'step':
      if (pattern.steps.length === 0) problems.push('steps must list at least one {rateRps, durationMs}');
      pattern.steps.forEach((step, index) => {
        rate(`steps[${index}].rateRps`, step.rateRps, true);
        duration(`steps[${index}].durationMs`, step.durationMs);
      });
      break;
    case 'ramp':
      rate('fromRps', pattern.fromRps, true);
      rate('toRps', pattern.toRps, true);
      if (pattern.fromRps === 0 && pattern.toRps === 0) problems.push('a ramp from 0 to 0 req/s sends nothing');
      break;
    case 'spike':
      rate('baseRps', pattern.baseRps, true);
      rate('spikeRps', pattern.spikeRps);
      duration('spikeAtMs', pattern.spikeAtMs, true);
      duration('spikeDurationMs', pattern.spikeDurationMs);
      break;
    case 'sinusoidal':
      rate('meanRps', pattern.meanRps);
      rate('amplitudeRps', pattern.amplitudeRps, true);
      duration('periodMs', pattern.periodMs);
      if (typeof pattern.meanRps === 'number' && typeof pattern.amplitudeRps === 'number' && pattern.amplitudeRps > pattern.meanRps) {
        problems.push(`amplitudeRps must be <= meanRps (a rate cannot go negative), but got amplitude ${pattern.amplitudeRps} > mean ${pattern.meanRps}`);
      }
      break;
    case 'trace':
      if (pattern.offsetsMs.length === 0) problems.push('a trace needs at least one arrival offset');
      pattern.offsetsMs.forEach((offset, index) => {
        if (!Number.isFinite(offset) || offset < 0) problems.push(`offsetsMs[${index}] must be a non-negative number of ms, but got ${offset}`);
        else if (index > 0 && offset < pattern.offsetsMs[index - 1]!) {
          problems.push(`offsetsMs must not decrease, but offsetsMs[${index}] = ${offset} < ${pattern.offsetsMs[index - 1]}`);
        }
      });
      if (pattern.offsetsMs.length > MAX_SCHEDULED_REQUESTS) problems.push(`a trace may hold at most ${MAX_SCHEDULED_REQUESTS} arrivals`);
      break;
    case 'closed':
      if (!Number.isInteger(pattern.concurrency) || pattern.concurrency < 1 || pattern.concurrency > MAX_CONCURRENCY) {
        problems.push(`concurrency must be an integer in 1..${MAX_CONCURRENCY}, but got ${pattern.concurrency}`);
      }
      duration('thinkTimeMs', pattern.thinkTimeMs, true);
      break;
  }
  return problems.slice(0, 20);
}

/** The pattern's own length, when it has one (steps, trace); other patterns run for the requested duration. */
export function intrinsicDurationMs(pattern: PatternSpec): number | undefined {
  if (pattern.type === 'step') return pattern.steps.reduce((total, step) => total + step.durationMs, 0);
  if (pattern.type === 'trace') return Math.floor(pattern.offsetsMs.at(-1) ?? 0) + 1;
  return undefined;
}

/** Does the pattern name any stress level (and so need a capacity)? */
export function usesStressLevels(pattern: PatternSpec): boolean {
  return ratesOf(pattern).some((rate) => typeof rate === 'string');
}

function ratesOf(pattern: PatternSpec): RateSpec[] {
  switch (pattern.type) {
    case 'constant':
    case 'poisson':
      return [pattern.rateRps];
    case 'step':
      return pattern.steps.map((step) => step.rateRps);
    case 'ramp':
      return [pattern.fromRps, pattern.toRps];
    case 'spike':
      return [pattern.baseRps, pattern.spikeRps];
    case 'sinusoidal':
      return [pattern.meanRps, pattern.amplitudeRps];
    case 'trace':
    case 'closed':
      return [];
  }
}

/** Replaces every stress level by its rate; throws when a level is used without a way to resolve it. */
export function resolvePatternRates(pattern: PatternSpec, rateOf: (level: StressLevel) => number): LoadPattern {
  const r = (rate: RateSpec): number => (typeof rate === 'number' ? rate : rateOf(rate));
  switch (pattern.type) {
    case 'constant':
    case 'poisson':
      return { type: pattern.type, rateRps: r(pattern.rateRps) };
    case 'step':
      return { ...pattern, steps: pattern.steps.map((step) => ({ rateRps: r(step.rateRps), durationMs: step.durationMs })) };
    case 'ramp':
      return { ...pattern, fromRps: r(pattern.fromRps), toRps: r(pattern.toRps) };
    case 'spike':
      return { ...pattern, baseRps: r(pattern.baseRps), spikeRps: r(pattern.spikeRps) };
    case 'sinusoidal':
      return { ...pattern, meanRps: r(pattern.meanRps), amplitudeRps: r(pattern.amplitudeRps) };
    case 'trace':
    case 'closed':
      return pattern;
  }
}

/** A short label such as 'poisson@200rps', 'step@light,medium,high' or 'closed@8'. */
export function patternLabel(pattern: PatternSpec): string {
  const rate = (value: RateSpec): string => (typeof value === 'number' ? `${round(value)}rps` : value);
  switch (pattern.type) {
    case 'constant':
    case 'poisson':
      return `${pattern.type}@${rate(pattern.rateRps)}`;
    case 'step':
      return `step@${pattern.steps.map((step) => rate(step.rateRps)).join(',')}`;
    case 'ramp':
      return `ramp@${rate(pattern.fromRps)}-${rate(pattern.toRps)}`;
    case 'spike':
      return `spike@${rate(pattern.baseRps)}+${rate(pattern.spikeRps)}`;
    case 'sinusoidal':
      return `sinusoidal@${rate(pattern.meanRps)}±${rate(pattern.amplitudeRps)}`;
    case 'trace':
      return `trace@${pattern.offsetsMs.length}`;
    case 'closed':
      return `closed@${pattern.concurrency}`;
  }
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
