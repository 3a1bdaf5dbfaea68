/**
 * Every knob a study may sweep, by dotted name, with the type of its levels. The embedded server reads the
 * server knobs, the OS knob appliers read `os.*`, the load client reads `protocol`. External targets receive
 * knob values only through their launch command, where free-form `custom.*` knobs are also allowed.
 */
import { z } from 'zod';
import { PROTOCOLS } from '../core/target.js';
import type { KnobDomain } from '../core/space.js';

export type KnobType =
  | { readonly kind: 'integer'; readonly min: number; readonly max?: number }
  | { readonly kind: 'number'; readonly exclusiveMin: number; readonly max?: number }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  /** A list of positive integers, carried as one canonical comma-separated string level ('' = none). */
  | { readonly kind: 'integer-list' }
  /** custom.* knobs of a launched external target: any number, string or boolean. */
  | { readonly kind: 'any' };

export interface KnobInfo {
  readonly type: KnobType;
  readonly scope: 'server' | 'os' | 'client' | 'custom';
  readonly description: string;
  /** Emulated knobs stand in for a real one and must be labelled so in every result. */
  readonly emulated?: string;
}

const positiveInt = { kind: 'integer', min: 1 } as const;
const nonNegativeInt = { kind: 'integer', min: 0 } as const;
const bool = { kind: 'boolean' } as const;

export const KNOB_CATALOG = {
  instances: { type: positiveInt, scope: 'server', description: 'model instances (inference workers) per model' },
  'ort.intraOpThreads': { type: nonNegativeInt, scope: 'server', description: 'ORT intra-op threads (0 = ORT default)' },
  'ort.interOpThreads': { type: nonNegativeInt, scope: 'server', description: 'ORT inter-op threads (0 = ORT default)' },
  'ort.executionMode': { type: { kind: 'enum', values: ['sequential', 'parallel'] }, scope: 'server', description: 'ORT execution mode' },
  'ort.graphOptimizationLevel': {
    type: { kind: 'enum', values: ['disabled', 'basic', 'extended', 'all'] },
    scope: 'server',
    description: 'ORT graph optimization level',
  },
  'ort.enableCpuMemArena': { type: bool, scope: 'server', description: 'ORT CPU memory arena' },
  'ort.enableMemPattern': { type: bool, scope: 'server', description: 'ORT memory pattern' },
  'batching.enabled': { type: bool, scope: 'server', description: 'dynamic batching on/off' },
  'batching.maxBatchSize': { type: positiveInt, scope: 'server', description: 'largest batch the batcher forms' },
  'batching.maxQueueDelayUs': { type: nonNegativeInt, scope: 'server', description: 'longest wait for a batch to fill, µs' },
  'batching.preferredBatchSizes': { type: { kind: 'integer-list' }, scope: 'server', description: 'batch sizes the batcher prefers to dispatch' },
  'batching.maxQueueSize': { type: positiveInt, scope: 'server', description: 'queued requests before rejecting with 503' },
  'batching.variableLength': {
    type: { kind: 'enum', values: ['pad', 'equal-length'] },
    scope: 'server',
    description: 'variable-length inputs: pad to the longest, or batch only equal lengths',
  },
  'cache.enabled': { type: bool, scope: 'server', description: 'response cache on/off' },
  'cache.capacityMb': { type: { kind: 'number', exclusiveMin: 0 }, scope: 'server', description: 'response cache capacity, MB' },
  'os.cpuCores': { type: positiveInt, scope: 'os', description: 'CPU cores the server process may run on (affinity/cpuset)' },
  'os.cpuQuota': {
    type: { kind: 'number', exclusiveMin: 0, max: 1 },
    scope: 'os',
    description: 'fraction of the allowed cores the server may use (cgroup CPU quota)',
    emulated: 'a CPU quota stands in for a lower CPU frequency where cpufreq is absent',
  },
  'os.cpuFreqKhz': { type: positiveInt, scope: 'os', description: 'CPU frequency cap, kHz (cpufreq)' },
  'os.memoryLimitMb': { type: positiveInt, scope: 'os', description: 'memory limit of the server process, MB' },
  protocol: { type: { kind: 'enum', values: PROTOCOLS }, scope: 'client', description: 'protocol the load client speaks' },
} as const satisfies Record<string, KnobInfo>;

export type KnownKnobName = keyof typeof KNOB_CATALOG;

export const CUSTOM_KNOB_PREFIX = 'custom.';

const CUSTOM_KNOB: KnobInfo = { type: { kind: 'any' }, scope: 'custom', description: 'free-form value for a launch command' };

export function knobInfo(name: string): KnobInfo | undefined {
  if (name.startsWith(CUSTOM_KNOB_PREFIX) && name.length > CUSTOM_KNOB_PREFIX.length) return CUSTOM_KNOB;
  return (KNOB_CATALOG as Record<string, KnobInfo>)[name];
}

export function knownKnobNames(): string[] {
  return Object.keys(KNOB_CATALOG);
}

/** Whether a knob's levels are numbers that the discretization may produce. */
export function isNumericKnob(type: KnobType): type is Extract<KnobType, { kind: 'integer' | 'number' }> {
  return type.kind === 'integer' || type.kind === 'number';
}

/** The zod check for one level of a knob of this type; messages say what was expected. */
export function levelSchema(type: KnobType): z.ZodType {
  switch (type.kind) {
    case 'integer': {
      const what = type.min === 1 ? 'a positive integer' : type.min === 0 ? 'a non-negative integer' : `an integer >= ${type.min}`;
      const expected = type.max === undefined ? what : `${what} <= ${type.max}`;
      let schema = z.number({ error: `expected ${expected}` }).int({ error: `expected ${expected}` }).min(type.min, { error: `expected ${expected}` });
      if (type.max !== undefined) schema = schema.max(type.max, { error: `expected ${expected}` });
      return schema;
    }
    case 'number': {
      const expected = type.max === undefined ? `a number > ${type.exclusiveMin}` : `a number in (${type.exclusiveMin}, ${type.max}]`;
      let schema = z.number({ error: `expected ${expected}` }).gt(type.exclusiveMin, { error: `expected ${expected}` });
      if (type.max !== undefined) schema = schema.max(type.max, { error: `expected ${expected}` });
      return schema;
    }
    case 'boolean':
      return z.boolean({ error: 'expected true or false' });
    case 'enum':
      return z.enum(type.values as [string, ...string[]], { error: `expected one of ${type.values.join(', ')}` });
    case 'integer-list':
      return z.union([z.array(z.number().int().positive()), z.string().regex(/^\s*(\d+\s*(,\s*\d+\s*)*)?$/)], {
        error: 'expected a list of positive integers, e.g. [4, 8] or "4,8"',
      });
    case 'any':
      return z.union([z.number(), z.string(), z.boolean()], { error: 'expected a number, string or boolean' });
  }
}

/** The KnobDomain kind for a knob type. */
export function domainKind(type: KnobType): KnobDomain['kind'] {
  if (isNumericKnob(type)) return 'numeric';
  return type.kind === 'boolean' ? 'boolean' : 'categorical';
}

/** Canonical level for `batching.preferredBatchSizes`: sorted, deduplicated, comma-separated. */
export function canonicalIntegerList(value: readonly number[] | string): string {
  const numbers = typeof value === 'string' ? value.split(',').filter((part) => part.trim() !== '').map(Number) : value;
  return [...new Set(numbers)].sort((a, b) => a - b).join(',');
}

/** Decodes a `batching.preferredBatchSizes` level back into numbers. */
export function parseIntegerList(level: string): number[] {
  return level === '' ? [] : level.split(',').map(Number);
}
