import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ServelabError, errorMessage } from '../core/errors.js';
import { ModelConfigOverridesSchema, formatIssues, type ModelConfigOverrides, type ServerConfig } from './config.js';

/** Finds a model's ONNX file by name (the zoo's resolveModel, or a test double). */
export type ModelResolver = (name: string) => Promise<{ readonly path: string }> | { readonly path: string };

export interface ModelSource {
  readonly name: string;
  readonly path: string;
  /** Overrides from the repository's config.yaml, then from the server configuration's model entry. */
  readonly overrides: readonly ModelConfigOverrides[];
}

/**
 * Model repository, TF Serving / Triton style: one subfolder per model holding model.onnx (or N/model.onnx
 * for numbered versions, the highest served) and an optional config.yaml with the model's configuration overrides.
 */
export function scanRepository(dir: string): Map<string, { path: string; overrides?: ModelConfigOverrides }> {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new ServelabError(`model repository '${dir}' is not a folder`, 'not-found');
  const models = new Map<string, { path: string; overrides?: ModelConfigOverrides }>();
  for (const name of readdirSync(root).sort()) {
    const folder = join(root, name);
    if (!statSync(folder).isDirectory()) continue;
    const path = modelFile(folder);
    if (!path) continue;
    const configPath = join(folder, 'config.yaml');
    models.set(name, { path, ...(existsSync(configPath) ? { overrides: readModelConfig(configPath) } : {}) });
  }
  return models;
}

function modelFile(folder: string): string | null {
  const direct = join(folder, 'model.onnx');
  if (existsSync(direct)) return direct;
  const versions = readdirSync(folder)
    .filter((entry) => /^\d+$/.test(entry) && existsSync(join(folder, entry, 'model.onnx')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(folder, versions[0], 'model.onnx') : null;
}

function readModelConfig(path: string): ModelConfigOverrides {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ServelabError(`cannot parse ${path}: ${errorMessage(error)}`);
  }
  const parsed = ModelConfigOverridesSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ServelabError(formatIssues(parsed.error, `model configuration ${path}`));
  return parsed.data;
}

/** Every model the server will load: listed models (by path, repository folder, or resolver), or the whole repository. */
export async function resolveModelSources(config: ServerConfig, resolver?: ModelResolver): Promise<ModelSource[]> {
  const repository = config.modelRepository ? scanRepository(config.modelRepository) : new Map<string, { path: string; overrides?: ModelConfigOverrides }>();
  if (config.models.length === 0) {
    if (repository.size === 0) throw new ServelabError('no models to serve: list models or give a model repository with at least one model folder', 'not-found');
    return [...repository].map(([name, entry]) => ({ name, path: entry.path, overrides: entry.overrides ? [entry.overrides] : [] }));
  }
  const seen = new Set<string>();
  const sources: ModelSource[] = [];
  for (const entry of config.models) {
    if (seen.has(entry.name)) throw new ServelabError(`model '${entry.name}' is listed twice`);
    seen.add(entry.name);
    const fromRepository = repository.get(entry.name);
    let path: string;
    if (entry.path) path = resolve(entry.path);
    else if (fromRepository) path = fromRepository.path;
    else if (resolver) path = (await resolver(entry.name)).path;
    else throw new ServelabError(`unknown model '${entry.name}': not in the model repository and no path given`, 'not-found');
    if (!existsSync(path)) throw new ServelabError(`model file '${path}' for model '${entry.name}' does not exist`, 'not-found');
    const overrides = [fromRepository?.overrides, entry.config].filter((layer): layer is ModelConfigOverrides => layer !== undefined);
    sources.push({ name: entry.name, path, overrides });
  }
  return sources;
}
