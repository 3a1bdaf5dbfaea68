/**
 * How a study checks and reads knob levels: the catalog itself (names, types, scopes) is core/knobs.ts.
 */
import { z } from 'zod';
import { KNOB_CATALOG, type KnobInfo, type KnobType } from '../core/knobs.js';
import type { KnobDomain } from '../core/space.js';

export { KNOB_CATALOG, type KnobInfo, type KnobType, type KnownKnobName } from '../core/knobs.js';

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
