/**
 * Launch command templates for external targets: `tensorflow_model_server --rest_api_port={port}
 * --enable_batching={batching.enabled}`. Placeholders name knobs (dotted) or built-in values the runner
 * supplies; `{{` and `}}` write literal braces.
 */
import { ServelabError } from '../core/errors.js';
import type { KnobValue } from '../core/space.js';

/** Values the runner fills in besides knob values. */
export const LAUNCH_BUILTINS = ['port', 'grpcPort', 'host', 'model', 'models', 'modelPath'] as const;
export type LaunchBuiltin = (typeof LAUNCH_BUILTINS)[number];

const PLACEHOLDER = /\{\{|\}\}|\{([A-Za-z_][\w.]*)\}/g;

/** The placeholder names in a template, in order of first appearance. */
export function templatePlaceholders(template: string): string[] {
  const names = new Set<string>();
  for (const match of template.matchAll(PLACEHOLDER)) if (match[1] !== undefined) names.add(match[1]);
  return [...names];
}

/** Fills a template; every placeholder must have a value. Booleans render as true/false. */
export function renderTemplate(template: string, values: Readonly<Record<string, KnobValue>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string | undefined) => {
    if (name === undefined) return whole[0]!;
    const value = values[name];
    if (value === undefined) {
      throw new ServelabError(`launch command: no value for placeholder {${name}}; known: ${Object.keys(values).sort().join(', ')}`);
    }
    return String(value);
  });
}
