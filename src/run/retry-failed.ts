/** `explore --retry-failed [kinds]`: which failed trials to run again, by their recorded failure kind. */
import { ServelabError } from '../core/errors.js';
import { FAILURE_KINDS, type FailureKind } from '../core/trial.js';

/** The kinds named in a comma-separated list; undefined (every kind) for the bare flag. */
export function parseFailureKinds(flag: string | true): readonly FailureKind[] | undefined {
  if (flag === true) return undefined;
  const names = flag.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !(FAILURE_KINDS as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    const got = names.length === 0 ? 'an empty list' : `unknown ${unknown.length === 1 ? 'kind' : 'kinds'} ${unknown.map((name) => `'${name}'`).join(', ')}`;
    throw new ServelabError(`--retry-failed: expected failure kinds from ${FAILURE_KINDS.join(', ')} (comma-separated), or none for every kind; got ${got}`);
  }
  return [...new Set(names)] as FailureKind[];
}
