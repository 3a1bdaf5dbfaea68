/** The vocabulary of a design space: knobs, their levels, and one configuration (a level per knob). */
export type KnobValue = number | string | boolean;

export type Configuration = Readonly<Record<string, KnobValue>>;

export interface KnobDomain {
  /** Dotted knob name, e.g. 'batching.maxBatchSize', 'instances', 'os.cpuCores'. */
  readonly name: string;
  readonly kind: 'numeric' | 'categorical' | 'boolean';
  /** The discrete levels that a sampler may choose from, in ascending order for numeric knobs. */
  readonly levels: readonly KnobValue[];
}

export interface DesignSpace {
  readonly knobs: readonly KnobDomain[];
}

/** A stable identity for a configuration: JSON with sorted keys. */
export function configurationKey(configuration: Configuration): string {
  const sorted = Object.keys(configuration)
    .sort()
    .map((key) => [key, configuration[key]] as const);
  return JSON.stringify(Object.fromEntries(sorted));
}

/** Number of configurations in the full cross product. */
export function spaceSize(space: DesignSpace): number {
  return space.knobs.reduce((n, knob) => n * knob.levels.length, 1);
}
