import { SERVER_KNOB_NAMES } from '../core/knobs.js';
import type { KnobValue } from '../core/space.js';
import { ServelabError } from '../core/errors.js';
import { ModelConfigOverridesSchema, formatIssues, type ModelConfigOverrides, type ServerConfig } from './config.js';

/** The per-model knobs a study may sweep, by dotted name (the keys of the model configuration): the catalog's server knobs. */
export const SERVER_KNOBS = SERVER_KNOB_NAMES;
export type ServerKnob = string;

export function isServerKnob(name: string): name is ServerKnob {
  return SERVER_KNOBS.includes(name);
}

/**
 * Applies a flat map of dotted knob values (a study Configuration) onto a server configuration: onto
 * `defaults`, and onto every model whose own overrides set the same key, so the knob takes effect everywhere.
 * Unknown knob names and ill-typed values are rejected, all problems reported at once.
 */
export function applyServerKnobs(config: ServerConfig, knobs: Readonly<Record<string, KnobValue>>): ServerConfig {
  const unknown = Object.keys(knobs).filter((name) => !isServerKnob(name));
  if (unknown.length > 0) {
    throw new ServelabError(
      `unknown server knob${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')}; ` +
        `expected one of: ${SERVER_KNOBS.join(', ')}`,
    );
  }
  const apply = (overrides: ModelConfigOverrides | undefined, onlySet: boolean): ModelConfigOverrides => {
    const next = structuredClone(overrides ?? {}) as Record<string, unknown>;
    for (const [name, value] of Object.entries(knobs)) {
      const [head, leaf] = name.split('.') as [string, string | undefined];
      if (leaf === undefined) {
        if (!onlySet || head in next) next[head] = coerce(name as ServerKnob, value);
        continue;
      }
      const group = (next[head] ?? {}) as Record<string, unknown>;
      if (onlySet && !(leaf in group)) continue;
      group[leaf] = coerce(name as ServerKnob, value);
      next[head] = group;
    }
    const parsed = ModelConfigOverridesSchema.safeParse(next);
    if (!parsed.success) throw new ServelabError(formatIssues(parsed.error, 'server knob values'));
    return parsed.data;
  };
  return {
    ...config,
    defaults: apply(config.defaults, false),
    models: config.models.map((entry) => (entry.config ? { ...entry, config: apply(entry.config, true) } : entry)),
  };
}

/** Knob levels arrive as number | string | boolean; a list knob accepts "4,8,16" or a single number. */
function coerce(name: ServerKnob, value: KnobValue): unknown {
  if (name === 'batching.preferredBatchSizes') {
    if (typeof value === 'number') return [value];
    if (typeof value === 'string') {
      const text = value.trim();
      if (text === '' || text === 'none') return [];
      return text.split(',').map((part) => Number(part.trim()));
    }
    return value;
  }
  return value;
}
