/**
 * The study file: one zod schema that gives both the Study type and the runtime check. Every problem is
 * reported at once with its path; unknown keys are rejected. See examples/ for commented study files.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { ServelabError, errorMessage } from '../core/errors.js';
import { METRICS, metricInfo } from '../core/metric.js';
import { PROTOCOLS } from '../core/target.js';
import type { DesignSpace } from '../core/space.js';
import { DEFAULT_MAX_CPU_STEAL, DEFAULT_REMEASURE } from '../core/validity.js';
import { colocationSchema, resolveColocation } from './colocation.js';
import { buildDesignSpace } from './design-space.js';
import { resolveKnobLevels } from './knob-levels.js';
import { loadSchema } from './load-schema.js';
import { checkStudyConsistency } from './study-consistency.js';
import { durationMsNumber, durationText, formatIssue, resolveDurationPair, strict, StudyValidationError } from './schema-issues.js';

export const SAMPLER_KINDS = ['full-factorial', 'fractional-factorial', 'random', 'lhs', 'adaptive'] as const;
export type SamplerKind = (typeof SAMPLER_KINDS)[number];

export const METER_KINDS = ['auto', 'rapl', 'nvidia', 'estimate'] as const;

const positiveInt = z.number({ error: 'expected a positive integer' }).int({ error: 'expected a positive integer' }).positive({
  error: 'expected a positive integer',
});

const metricName = z.string({ error: 'expected a metric name' }).refine((name) => metricInfo(name) !== undefined, {
  error: `expected a metric name (one of ${Object.keys(METRICS).join(', ')})`,
});

const protocolName = z.enum(PROTOCOLS, { error: `expected one of ${PROTOCOLS.join(', ')}` });

const launchSchema = strict({
  command: z.string({ error: 'expected a command line' }).min(1, { error: 'expected a command line' }),
  readyUrl: z.string().optional(),
  startupTimeout: durationText.optional(),
  startupTimeoutMs: durationMsNumber.optional(),
}).transform(({ startupTimeout, startupTimeoutMs, ...rest }, ctx) => ({
  ...rest,
  startupTimeoutMs: resolveDurationPair(ctx, 'startupTimeout', startupTimeout, startupTimeoutMs, 60_000),
}));

const targetSchema = z.discriminatedUnion(
  'kind',
  [
    strict({ kind: z.literal('embedded') }),
    strict({
      kind: z.literal('external'),
      /** May contain {port} when servelab launches the server itself. */
      url: z.string({ error: 'expected a URL such as http://127.0.0.1:8501' }).regex(/^(https?|grpc):\/\/[^\s]+$/, {
        error: 'expected a URL such as http://127.0.0.1:8501 or grpc://127.0.0.1:8500',
      }),
      protocol: protocolName,
      launch: launchSchema.optional(),
    }),
  ],
  { error: "expected kind: embedded or kind: external" },
);

const objectiveSchema = strict({ metric: metricName, direction: z.enum(['min', 'max']).optional() }).transform((objective) => ({
  metric: objective.metric,
  direction: objective.direction ?? (metricInfo(objective.metric)?.better === 'higher' ? ('max' as const) : ('min' as const)),
}));

const constraintSchema = strict({
  metric: metricName,
  min: z.number().optional(),
  max: z.number().optional(),
}).refine((constraint) => constraint.min !== undefined || constraint.max !== undefined, {
  error: 'a constraint needs min or max',
});

const samplerSchema = strict({
  kind: z.enum(SAMPLER_KINDS, { error: `expected one of ${SAMPLER_KINDS.join(', ')}` }),
  /** Total configurations to try (random, lhs, adaptive). */
  budget: positiveInt.optional(),
  /** Adaptive: configurations of the initial Latin hypercube design before the surrogate takes over. */
  initial: positiveInt.optional(),
  /** Fractional factorial: 3 or 4 (default 4). */
  resolution: z.union([z.literal(3), z.literal(4)], { error: 'expected 3 or 4' }).optional(),
});

const energySchema = strict({
  meter: z.enum(METER_KINDS, { error: `expected one of ${METER_KINDS.join(', ')}` }).default('auto'),
  /** The estimate's power model; absent = the meter's documented defaults. */
  powerModel: strict({
    idleW: z.number({ error: 'expected watts >= 0' }).nonnegative({ error: 'expected watts >= 0' }),
    perCoreW: z.number({ error: 'expected watts > 0' }).positive({ error: 'expected watts > 0' }),
  }).optional(),
});

const isolationSchema = strict({
  /** CPUs reserved for the load generator (the last ones); the server gets the rest. 0: generator and server share CPUs. */
  generatorCpus: z.number().int({ error: 'expected an integer >= 0' }).nonnegative({ error: 'expected an integer >= 0' }).default(1),
});

const validitySchema = strict({
  /** A trial whose CPUs lost more than this share of their time to the hypervisor (steal) is INVALID. */
  maxCpuSteal: z.number({ error: 'expected a fraction in [0, 1]' }).min(0, { error: 'expected a fraction in [0, 1]' }).max(1, { error: 'expected a fraction in [0, 1]' }).default(DEFAULT_MAX_CPU_STEAL),
  /** How many more times a trial is measured, on the same server, when only a disturbance made it INVALID (run/remeasure.ts). */
  remeasure: z.number().int({ error: 'expected an integer >= 0' }).nonnegative({ error: 'expected an integer >= 0' }).default(DEFAULT_REMEASURE),
});

const DEFAULT_OBJECTIVES = [
  { metric: 'p99_ms', direction: 'min' },
  { metric: 'energy_j_per_inf', direction: 'min' },
] as const;

export const studySchema = strict({
  name: z.string({ error: 'expected a study name' }).regex(/^[\w.-]+$/, { error: 'expected a name of letters, digits, . _ -' }),
  description: z.string().optional(),
  seed: z.number().int().nonnegative({ error: 'expected a non-negative integer' }).default(1),
  target: targetSchema.default({ kind: 'embedded' }),
  /** Zoo model names or paths to .onnx files. */
  models: z.array(z.string().min(1, { error: 'expected a model name or .onnx path' }), { error: 'expected a list of models' }).min(1, {
    error: 'expected at least one model',
  }),
  workloads: z.array(z.string().min(1), { error: 'expected a list of workload names' }).min(1, { error: 'expected at least one workload' }),
  knobs: z
    .record(z.string(), z.unknown(), { error: 'expected a map of knob name to levels' })
    .default({})
    .transform((raw, ctx) =>
      resolveKnobLevels(raw, (path, message, input) => ctx.issues.push({ code: 'custom', message, input, path: [...path] })),
    ),
  load: loadSchema.prefault({}),
  objectives: z.array(objectiveSchema).min(1, { error: 'expected at least one objective' }).default([...DEFAULT_OBJECTIVES]),
  constraints: z.array(constraintSchema).default([]),
  sampler: samplerSchema.default({ kind: 'full-factorial' }),
  repetitions: positiveInt.default(1),
  trialTimeout: durationText.optional(),
  trialTimeoutMs: durationMsNumber.optional(),
  energy: energySchema.default({ meter: 'auto' }),
  isolation: isolationSchema.default({ generatorCpus: 1 }),
  validity: validitySchema.prefault({}),
  /** Client protocol when it is not a knob (default kserve-http). */
  protocol: protocolName.optional(),
  /** Groups of models served together by one server (docs/reference/study-file.md#co-located-models). */
  colocation: colocationSchema.optional(),
})
  .transform(({ trialTimeout, trialTimeoutMs, colocation: colocationInput, ...rest }, ctx) => {
    const report = (path: readonly (string | number)[], message: string, input?: unknown): void => {
      ctx.issues.push({ code: 'custom', message, input, path: [...path] });
    };
    const colocation = colocationInput === undefined ? undefined : resolveColocation(colocationInput, rest, report);
    const study = {
      ...rest,
      ...(colocation === undefined ? {} : { colocation }),
      trialTimeoutMs: resolveDurationPair(ctx, 'trialTimeout', trialTimeout, trialTimeoutMs, 600_000),
    };
    const space: DesignSpace = buildDesignSpace(study.knobs);
    checkStudyConsistency(study, space, report);
    return { ...study, space };
  });

export type Study = z.output<typeof studySchema>;
export type StudyTarget = Study['target'];
export type SamplerSpec = Study['sampler'];
export type StudyObjective = Study['objectives'][number];
export type StudyConstraint = Study['constraints'][number];

/** Validates an already-parsed document; throws StudyValidationError listing every problem. */
export function validateStudy(document: unknown, source = 'study'): Study {
  const result = studySchema.safeParse(document, { reportInput: true });
  if (!result.success) throw new StudyValidationError(source, result.error.issues.map(formatIssue));
  return result.data;
}

/** Parses study YAML text. */
export function parseStudy(yamlText: string, source = 'study'): Study {
  let document: unknown;
  try {
    document = parseYaml(yamlText, { prettyErrors: true });
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const at = error.linePos?.[0];
      const where = at === undefined ? '' : `:${at.line}:${at.col}`;
      throw new ServelabError(`invalid study ${source}${where}: not valid YAML: ${error.message.split('\n')[0]}`, 'invalid-input');
    }
    throw error;
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new ServelabError(`invalid study ${source}: expected a YAML mapping with name, models, workloads, knobs, ...`, 'invalid-input');
  }
  return validateStudy(document, source);
}

/** Reads and parses a study file. */
export async function loadStudy(path: string): Promise<Study> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ServelabError(`cannot read study file ${path}: ${errorMessage(error)}`, 'not-found');
  }
  return parseStudy(text, path);
}
