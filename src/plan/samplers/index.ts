/** The sampler registry: one factory per sampler kind, and createSampler for a study's sampler spec. */
import { ServelabError } from '../../core/errors.js';
import type { DesignSpace } from '../../core/space.js';
import type { Objective } from '../pareto.js';
import type { SamplerKind, SamplerSpec } from '../study-schema.js';
import { createAdaptiveSampler } from './adaptive.js';
import { createFractionalFactorialSampler } from './fractional-factorial.js';
import { createFullFactorialSampler } from './full-factorial.js';
import { createLatinHypercubeSampler } from './lhs.js';
import { createRandomSampler } from './random.js';
import type { Sampler } from './sampler.js';

type SamplerFactory = (spec: SamplerSpec, space: DesignSpace, seed: number, objectives: readonly Objective[]) => Sampler;

function requireBudget(spec: SamplerSpec): number {
  if (spec.budget === undefined) throw new ServelabError(`sampler.budget: required for kind ${spec.kind}`);
  return spec.budget;
}

export const SAMPLERS = {
  'full-factorial': (_spec, space, seed) => createFullFactorialSampler(space, seed),
  'fractional-factorial': (spec, space, seed) => createFractionalFactorialSampler(space, seed, spec.resolution ?? 4),
  random: (spec, space, seed) => createRandomSampler(space, seed, requireBudget(spec)),
  lhs: (spec, space, seed) => createLatinHypercubeSampler(space, seed, requireBudget(spec)),
  adaptive: (spec, space, seed, objectives) =>
    createAdaptiveSampler(space, seed, objectives, { budget: requireBudget(spec), ...(spec.initial === undefined ? {} : { initial: spec.initial }) }),
} as const satisfies Record<SamplerKind, SamplerFactory>;

export function createSampler(spec: SamplerSpec, space: DesignSpace, seed: number, objectives: readonly Objective[]): Sampler {
  return SAMPLERS[spec.kind](spec, space, seed, objectives);
}

export type { Sampler, TrialOutcome } from './sampler.js';
