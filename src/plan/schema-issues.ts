/**
 * Shared pieces of the study schema: strict objects whose unknown-key errors list the known keys, duration
 * fields, and the formatting of zod issues into "path: expected X, got Y" lines.
 */
import { z } from 'zod';
import { parseDurationMs } from '../core/duration.js';
import { ServelabError, errorMessage } from '../core/errors.js';

/** A strict object whose unknown-key error names the keys it accepts. */
export function strict<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.map((key) => `'${key}'`).join(', ')} (expected one of: ${known})`
        : undefined,
  });
}

/** A duration written as '500ms', '30s', '2m' or a number of milliseconds. */
export const durationText = z.union([z.string(), z.number()]).transform((value, ctx) => {
  try {
    return parseDurationMs(value);
  } catch (error) {
    ctx.issues.push({ code: 'custom', message: errorMessage(error).replace(/^duration: /, ''), input: value });
    return z.NEVER;
  }
});

export const durationMsNumber = z.number({ error: 'expected a non-negative number of milliseconds' }).nonnegative({
  error: 'expected a non-negative number of milliseconds',
});

/**
 * Resolves a `name` / `nameMs` pair (e.g. duration: 20s or durationMs: 20000) to milliseconds, reporting
 * when both are given.
 */
export function resolveDurationPair(
  ctx: z.core.$RefinementCtx,
  name: string,
  text: number | undefined,
  ms: number | undefined,
  fallbackMs: number,
): number {
  if (text !== undefined && ms !== undefined) {
    ctx.issues.push({ code: 'custom', message: `give either ${name} or ${name}Ms, not both`, input: { [name]: text, [`${name}Ms`]: ms }, path: [name] });
  }
  return text ?? ms ?? fallbackMs;
}

/** The study file failed validation; `problems` has one line per problem. */
export class StudyValidationError extends ServelabError {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`invalid study ${source} (${count}):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`, 'invalid-input');
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text === '' ? '(top level)' : text;
}

export function renderValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `'${value}'`;
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/** One line per issue: "knobs.batching.maxBatchSize: expected a positive integer, got -4". */
export function formatIssue(issue: z.core.$ZodIssue): string {
  const path = formatPath(issue.path);
  let input = (issue as { input?: unknown }).input;
  const last = issue.path[issue.path.length - 1];
  // A discriminator mismatch reports the whole object; show the discriminating value itself.
  if (typeof last === 'string' && typeof input === 'object' && input !== null && last in input) {
    input = (input as Record<string, unknown>)[last];
  }
  let message = issue.message;
  if (issue.code === 'invalid_type' && input === undefined) {
    return `${path}: required${message.startsWith('expected') ? ` (${message})` : ''}`;
  }
  if (issue.code === 'invalid_type' && message.startsWith('Invalid input')) {
    message = `expected ${issue.expected}`;
  } else if (issue.code === 'invalid_value' && message.startsWith('Invalid')) {
    message = `expected one of ${issue.values.map((value) => String(value)).join(', ')}`;
  } else if (issue.code === 'invalid_union' && message.startsWith('Invalid')) {
    message = 'expected a different form (see the examples/ study files)';
  }
  const withValue = message.startsWith('expected') && !message.includes(', got ') && message !== 'required';
  return withValue ? `${path}: ${message}, got ${renderValue(input)}` : `${path}: ${message}`;
}
