/** Uniform random sampling of `budget` distinct configurations, drawn level by level from a seeded stream. */
import { configurationKey, spaceSize, type Configuration, type DesignSpace } from '../../core/space.js';
import { configurationFromIndices } from '../design-space.js';
import { planSampler, type Sampler, samplerRng } from './sampler.js';

export function randomConfigurations(space: DesignSpace, count: number, seed: number, stream = 'random'): Configuration[] {
  const rng = samplerRng(seed, stream);
  const wanted = Math.min(count, spaceSize(space));
  const seen = new Set<string>();
  const out: Configuration[] = [];
  while (out.length < wanted) {
    const configuration = configurationFromIndices(space, space.knobs.map((knob) => rng.int(knob.levels.length)));
    const key = configurationKey(configuration);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(configuration);
  }
  return out;
}

export function createRandomSampler(space: DesignSpace, seed: number, budget: number): Sampler {
  return planSampler('random', randomConfigurations(space, budget, seed));
}
