/** Full factorial: every configuration of the space, in a seeded random run order (guards against drift). */
import { spaceSize, type DesignSpace } from '../../core/space.js';
import { ServelabError } from '../../core/errors.js';
import { configurationAt } from '../design-space.js';
import { planSampler, type Sampler, samplerRng } from './sampler.js';

/** Refuse plans that could not run in any reasonable time anyway (and would not fit in memory). */
export const MAX_FULL_FACTORIAL = 1_000_000;

export function createFullFactorialSampler(space: DesignSpace, seed: number): Sampler {
  const size = spaceSize(space);
  if (size > MAX_FULL_FACTORIAL) {
    throw new ServelabError(`full factorial: the space has ${size} configurations (limit ${MAX_FULL_FACTORIAL}); use lhs, random or adaptive with a budget`);
  }
  const order = samplerRng(seed, 'full-factorial:order').shuffle(Array.from({ length: size }, (_, index) => index));
  return planSampler('full-factorial', order.map((index) => configurationAt(space, index)));
}
