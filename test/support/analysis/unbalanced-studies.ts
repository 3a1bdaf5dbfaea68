/**
 * Simulated unbalanced studies with known truth, as adaptive and random samplers produce them: each environment
 * measures its own random subset of the configurations, with 1–3 repetitions, and some rows fail or are invalid.
 */
import { createRng } from '../../../src/core/random.js';
import type { Configuration, KnobValue } from '../../../src/core/space.js';
import type { TrialContext, TrialRow } from '../../../src/core/trial.js';
import { fullFactorial } from './synthetic.js';

export interface UnbalancedSpec {
  readonly knobs: Readonly<Record<string, readonly KnobValue[]>>;
  readonly environments: readonly TrialContext[];
  /** Chance that an environment measures a configuration. */
  readonly keepFraction: number;
  readonly repetitions: readonly [number, number];
  /** Chance that a row fails, and that a completed row is invalid. */
  readonly failedFraction: number;
  readonly invalidFraction: number;
  readonly noiseSd: number;
  /** True value per metric (additive Gaussian noise of noiseSd is added). */
  readonly truth: (configuration: Configuration, context: TrialContext) => Record<string, number>;
  readonly seed: number;
}

export function unbalancedRows(spec: UnbalancedSpec): TrialRow[] {
  const rng = createRng(spec.seed, `unbalanced#${spec.seed}`);
  const rows: TrialRow[] = [];
  const configurations = fullFactorial(spec.knobs);
  let trial = 0;
  for (const context of spec.environments) {
    for (const configuration of configurations) {
      const trialId = `t${trial++}`;
      if (rng.next() >= spec.keepFraction) continue;
      const [fewest, most] = spec.repetitions;
      const repetitions = fewest + rng.int(most - fewest + 1);
      const truth = spec.truth(configuration, context);
      for (let repetition = 0; repetition < repetitions; repetition++) {
        const base = { trialId, configuration, context, repetition };
        if (rng.next() < spec.failedFraction) {
          rows.push({ ...base, state: 'failed', valid: false, metrics: {}, failure: { kind: 'crash', reason: 'simulated' } });
          continue;
        }
        const metrics = Object.fromEntries(Object.entries(truth).map(([name, value]) => [name, value + spec.noiseSd * rng.normal()]));
        rows.push({ ...base, state: 'completed', valid: rng.next() >= spec.invalidFraction, metrics });
      }
    }
  }
  return rows;
}
