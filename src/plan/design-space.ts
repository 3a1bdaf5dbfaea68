/** Builds the DesignSpace of a study from its resolved knob levels, and walks the full cross product. */
import type { Configuration, DesignSpace, KnobDomain, KnobValue } from '../core/space.js';
import { spaceSize } from '../core/space.js';
import { domainKind, knobInfo } from './knob-catalog.js';

/** Knobs in the order the study lists them; levels as resolved (numeric ones ascending). */
export function buildDesignSpace(knobs: Readonly<Record<string, readonly KnobValue[]>>): DesignSpace {
  const domains: KnobDomain[] = Object.entries(knobs).map(([name, levels]) => {
    const info = knobInfo(name);
    const kind = info === undefined ? inferKind(levels) : info.type.kind === 'any' ? inferKind(levels) : domainKind(info.type);
    return { name, kind, levels: [...levels] };
  });
  return { knobs: domains };
}

function inferKind(levels: readonly KnobValue[]): KnobDomain['kind'] {
  if (levels.every((level) => typeof level === 'number')) return 'numeric';
  if (levels.every((level) => typeof level === 'boolean')) return 'boolean';
  return 'categorical';
}

/** The configuration at a mixed-radix index of the cross product (first knob varies slowest). */
export function configurationAt(space: DesignSpace, index: number): Configuration {
  const configuration: Record<string, KnobValue> = {};
  let rest = index;
  for (let k = space.knobs.length - 1; k >= 0; k--) {
    const knob = space.knobs[k]!;
    configuration[knob.name] = knob.levels[rest % knob.levels.length]!;
    rest = Math.floor(rest / knob.levels.length);
  }
  return orderedLike(space, configuration);
}

/** The configuration with the given level index per knob. */
export function configurationFromIndices(space: DesignSpace, indices: readonly number[]): Configuration {
  const configuration: Record<string, KnobValue> = {};
  space.knobs.forEach((knob, k) => {
    configuration[knob.name] = knob.levels[indices[k]!]!;
  });
  return configuration;
}

/** Level index per knob of a configuration; -1 where a value is not a level of the space. */
export function levelIndices(space: DesignSpace, configuration: Configuration): number[] {
  return space.knobs.map((knob) => knob.levels.indexOf(configuration[knob.name] as KnobValue));
}

/** Every configuration of the space, in cross-product order. */
export function* enumerateSpace(space: DesignSpace): Generator<Configuration> {
  const size = spaceSize(space);
  for (let index = 0; index < size; index++) yield configurationAt(space, index);
}

function orderedLike(space: DesignSpace, configuration: Record<string, KnobValue>): Configuration {
  return Object.fromEntries(space.knobs.map((knob) => [knob.name, configuration[knob.name]!]));
}
