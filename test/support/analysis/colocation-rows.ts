/** Rows of a study serving models a and b alone and together, with a known slowdown of b when co-served. */
import { createRng } from '../../../src/core/random.js';
import type { TrialRow } from '../../../src/core/trial.js';

export const PAIR = 'a+b';
const WORKLOAD = { a: 'wa', b: 'wb' } as const;

/** Rows of a study serving a and b alone and together: b's p99 grows by `slowdown` when co-served, a's does not. */
export function colocatedRows(slowdown: number, repetitions = 4): TrialRow[] {
  const rng = createRng(9, 'colocation-rows');
  const rows: TrialRow[] = [];
  let id = 0;
  for (const instances of [1, 2, 3]) {
    for (let repetition = 0; repetition < repetitions; repetition++) {
      for (const [coServed, models] of [['a', ['a']], ['b', ['b']], [PAIR, ['a', 'b']]] as const) {
        for (const model of models) {
          const base = model === 'a' ? 2 * instances : 5 + instances;
          // Co-served runs deviate by ±2% in alternate repetitions: the mean log ratio is exactly log(slowdown), with a spread.
          const noise = coServed === PAIR ? Math.exp(0.02 * (repetition % 2 === 0 ? 1 : -1)) : 1;
          const p99 = base * noise * (model === 'b' && coServed === PAIR ? slowdown : 1) * (1 + rng.next() * 1e-9);
          const mixEnergy = coServed === PAIR ? 0.004 / instances : 0.005;
          rows.push({
            trialId: `t${id++}`,
            configuration: { instances },
            context: { model, workload: WORKLOAD[model], load: 'poisson@light', coServed },
            repetition,
            state: 'completed',
            valid: true,
            metrics: { p99_ms: p99, energy_j_per_inf: mixEnergy / 2, mix_energy_j_per_inf: mixEnergy },
          });
        }
      }
    }
  }
  return rows;
}
