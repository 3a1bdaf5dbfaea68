/** Synthetic studies with known ground truth: every configuration of a full factorial, in given environments. */
import { createRng } from '../../../src/core/random.js';
import type { Configuration, KnobValue } from '../../../src/core/space.js';
import type { TrialContext, TrialRow } from '../../../src/core/trial.js';

export interface SyntheticSpec {
  readonly knobs: Readonly<Record<string, readonly KnobValue[]>>;
  readonly environments: readonly TrialContext[];
  readonly repetitions: number;
  /** Noise standard deviation as a fraction of the true value (multiplicative Gaussian). */
  readonly relativeNoise: number;
  readonly truth: (configuration: Configuration, context: TrialContext) => Record<string, number>;
  readonly seed?: number;
}

export function fullFactorial(knobs: Readonly<Record<string, readonly KnobValue[]>>): Configuration[] {
  let configurations: Record<string, KnobValue>[] = [{}];
  for (const [name, levels] of Object.entries(knobs)) {
    configurations = configurations.flatMap((c) => levels.map((level) => ({ ...c, [name]: level })));
  }
  return configurations;
}

export function syntheticRows(spec: SyntheticSpec): TrialRow[] {
  const rng = createRng(spec.seed ?? 7, 'synthetic');
  const rows: TrialRow[] = [];
  let trial = 0;
  for (const context of spec.environments) {
    for (const configuration of fullFactorial(spec.knobs)) {
      const truth = spec.truth(configuration, context);
      const trialId = `t${trial++}`;
      for (let repetition = 0; repetition < spec.repetitions; repetition++) {
        const metrics = Object.fromEntries(Object.entries(truth).map(([name, value]) => [name, value * (1 + spec.relativeNoise * rng.normal())]));
        rows.push({ trialId, configuration, context, repetition, state: 'completed', valid: true, metrics });
      }
    }
  }
  return rows;
}
