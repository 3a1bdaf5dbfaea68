/**
 * Reads the `knobs:` section of a study: nested groups flatten to dotted names (`batching: { maxBatchSize: ... }`
 * is `batching.maxBatchSize`), each knob's levels are given as a list, a single value, `{ values: [...] }` or
 * `{ range: [low, high], scale, levels }`, and every level is checked against the knob's type.
 */
import type { KnobValue } from '../core/space.js';
import { errorMessage } from '../core/errors.js';
import { discretize, SCALES, sortedUnique, type Scale } from './discretize.js';
import { canonicalIntegerList, isNumericKnob, knobInfo, knownKnobNames, levelSchema, type KnobType } from './knob-catalog.js';

export type ReportProblem = (path: readonly (string | number)[], message: string, input?: unknown) => void;

const SPEC_KEYS = ['range', 'values', 'scale', 'levels'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLevelSpec(value: Record<string, unknown>): boolean {
  return Object.keys(value).some((key) => SPEC_KEYS.includes(key));
}

/** Flattened knob name -> levels (numeric knobs ascending; others in the order written, deduplicated). */
export function resolveKnobLevels(raw: Readonly<Record<string, unknown>>, report: ReportProblem): Record<string, KnobValue[]> {
  const resolved: Record<string, KnobValue[]> = {};
  const walk = (group: Readonly<Record<string, unknown>>, prefix: string, path: readonly string[]): void => {
    for (const [key, value] of Object.entries(group)) {
      const name = prefix === '' ? key : `${prefix}.${key}`;
      const here = [...path, key];
      const info = knobInfo(name);
      if (info === undefined) {
        if (isPlainObject(value) && !isLevelSpec(value)) {
          walk(value, name, here);
        } else {
          report(here, `unknown knob '${name}' (known knobs: ${knownKnobNames().join(', ')}; or custom.<name> for a launch command)`);
        }
        continue;
      }
      if (name in resolved) {
        report(here, `knob '${name}' is given twice (once nested, once dotted)`);
        continue;
      }
      const levels = resolveOneKnob(name, info.type, value, here, report);
      if (levels !== undefined) resolved[name] = levels;
    }
  };
  walk(raw, '', []);
  return resolved;
}

function resolveOneKnob(
  name: string,
  type: KnobType,
  value: unknown,
  path: readonly string[],
  report: ReportProblem,
): KnobValue[] | undefined {
  let written: unknown[];
  if (Array.isArray(value)) {
    written = value;
  } else if (isPlainObject(value)) {
    if ('values' in value) {
      const extra = Object.keys(value).filter((key) => key !== 'values');
      if (extra.length > 0) report(path, `unknown key ${extra.map((key) => `'${key}'`).join(', ')} beside values (expected only: values)`);
      if (!Array.isArray(value.values)) {
        report([...path, 'values'], 'expected a list of levels', value.values);
        return undefined;
      }
      written = value.values;
    } else {
      return resolveRange(name, type, value, path, report);
    }
  } else {
    written = [value];
  }
  if (written.length === 0) {
    report(path, `expected at least one level for ${name}`, value);
    return undefined;
  }
  if (type.kind === 'integer-list' && written.some((item) => typeof item === 'number')) {
    report(path, `each level of ${name} is a list of batch sizes, e.g. [[], [4, 8], [8, 16]]`, value);
    return undefined;
  }
  const schema = levelSchema(type);
  const levels: KnobValue[] = [];
  let ok = true;
  for (const item of written) {
    const checked = schema.safeParse(item);
    if (!checked.success) {
      ok = false;
      report(path, checked.error.issues[0]?.message ?? 'invalid level', item);
      continue;
    }
    const level = type.kind === 'integer-list' ? canonicalIntegerList(checked.data as number[] | string) : (checked.data as KnobValue);
    if (!levels.includes(level)) levels.push(level);
  }
  if (!ok) return undefined;
  return isNumericKnob(type) ? sortedUnique(levels as number[]) : levels;
}

function resolveRange(
  name: string,
  type: KnobType,
  spec: Record<string, unknown>,
  path: readonly string[],
  report: ReportProblem,
): number[] | undefined {
  if (!isNumericKnob(type)) {
    report(path, `a range needs a numeric knob, but ${name} takes ${type.kind === 'enum' ? `one of ${type.values.join(', ')}` : type.kind} levels`);
    return undefined;
  }
  const extra = Object.keys(spec).filter((key) => !['range', 'scale', 'levels'].includes(key));
  if (extra.length > 0) {
    report(path, `unknown key ${extra.map((key) => `'${key}'`).join(', ')} (expected one of: range, scale, levels)`);
    return undefined;
  }
  const range = spec.range;
  if (!Array.isArray(range) || range.length !== 2 || !range.every((bound) => typeof bound === 'number')) {
    report([...path, 'range'], 'expected [low, high] with two numbers', range);
    return undefined;
  }
  const scale = spec.scale ?? 'linear';
  if (typeof scale !== 'string' || !(SCALES as readonly string[]).includes(scale)) {
    report([...path, 'scale'], `expected one of ${SCALES.join(', ')}`, scale);
    return undefined;
  }
  const levelCount = spec.levels;
  if (levelCount !== undefined && (typeof levelCount !== 'number' || !Number.isInteger(levelCount) || levelCount < 1)) {
    report([...path, 'levels'], 'expected a positive integer', levelCount);
    return undefined;
  }
  let levels: number[];
  try {
    levels = discretize(
      { range: [range[0] as number, range[1] as number], scale: scale as Scale, ...(levelCount === undefined ? {} : { levels: levelCount }) },
      { integer: type.kind === 'integer' },
    );
  } catch (error) {
    report(path, errorMessage(error));
    return undefined;
  }
  const schema = levelSchema(type);
  const bad = levels.find((level) => !schema.safeParse(level).success);
  if (bad !== undefined) {
    report(path, `${schema.safeParse(bad).error?.issues[0]?.message ?? 'invalid level'} (range [${range[0]}, ${range[1]}] gives ${bad})`, bad);
    return undefined;
  }
  return levels;
}
