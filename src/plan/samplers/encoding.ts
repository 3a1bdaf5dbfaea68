/**
 * Feature encoding of configurations for the surrogate models: numeric knobs as their level's rank scaled to
 * [0, 1] (trees only care about order, and ranks keep pow2/log levels evenly spread), booleans as 0/1,
 * two-level categoricals as 0/1, wider categoricals one-hot. Single-level knobs carry no information and are dropped.
 */
import type { Configuration, DesignSpace, KnobValue } from '../../core/space.js';

export type ConfigurationEncoder = (configuration: Configuration) => number[];

export function createEncoder(space: DesignSpace): ConfigurationEncoder {
  const parts = space.knobs
    .filter((knob) => knob.levels.length >= 2)
    .map((knob) => {
      const levels = knob.levels;
      const index = (value: KnobValue | undefined): number => levels.indexOf(value as KnobValue);
      if (knob.kind === 'categorical' && levels.length > 2) {
        return (configuration: Configuration): number[] => levels.map((level) => (configuration[knob.name] === level ? 1 : 0));
      }
      return (configuration: Configuration): number[] => [Math.max(0, index(configuration[knob.name])) / (levels.length - 1)];
    });
  return (configuration) => parts.flatMap((part) => part(configuration));
}
