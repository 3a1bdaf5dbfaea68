/**
 * Analysis random streams. The seed is also folded into the stream name: with the name alone, core's seeding
 * maps small seeds (0–9 at least) of one stream to the same sequence, which would make --seed a no-op.
 */
import { createRng, type Rng } from '../../core/random.js';

export function analysisRng(seed: number, stream: string): Rng {
  return createRng(seed, `${stream}#${seed}`);
}
