/**
 * Feature encoding for prediction models: numeric knobs scaled to [0, 1] over their levels (on a log scale
 * when the levels are positive and span a factor of 8 or more, as batch sizes and thread counts do), booleans
 * 0/1, categorical knobs one-hot.
 */
import type { Configuration } from '../../core/space.js';
import { UNSET_LEVEL, type KnobInfo } from '../prepare.js';

export interface FeatureEncoder {
  readonly names: readonly string[];
  /** For each feature, the knob it comes from (interactions within one one-hot knob are meaningless). */
  readonly knobOf: readonly number[];
  encode(configuration: Configuration): Float64Array;
}

export function featureEncoder(knobs: readonly KnobInfo[]): FeatureEncoder {
  const names: string[] = [];
  const knobOf: number[] = [];
  knobs.forEach((knob, k) => {
    if (knob.kind === 'categorical') {
      for (const level of knob.levels) {
        names.push(`${knob.name}=${String(level)}`);
        knobOf.push(k);
      }
    } else {
      names.push(knob.name);
      knobOf.push(k);
    }
  });
  return {
    names,
    knobOf,
    encode(configuration) {
      const out = new Float64Array(names.length);
      let f = 0;
      for (const knob of knobs) {
        const value = configuration[knob.name] ?? UNSET_LEVEL;
        if (knob.kind === 'categorical') {
          for (const level of knob.levels) out[f++] = String(level) === String(value) ? 1 : 0;
        } else if (knob.kind === 'boolean') out[f++] = value === true ? 1 : 0;
        else {
          const low = knob.levels[0] as number;
          const high = knob.levels[knob.levels.length - 1] as number;
          const logarithmic = low > 0 && high / low >= 8;
          const scale = (x: number): number => (logarithmic ? Math.log(x) : x);
          out[f++] = high > low ? (scale(value as number) - scale(low)) / (scale(high) - scale(low)) : 0;
        }
      }
      return out;
    },
  };
}
