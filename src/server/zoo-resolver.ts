import { ServelabError } from '../core/errors.js';
import type { ModelResolver } from './repository.js';

/** Resolves a model name through the zoo's registry (zoo models are referred to by name). */
export const defaultModelResolver: ModelResolver = async (name) => {
  // Loaded lazily: a server started from a model repository or with explicit paths never needs the zoo.
  const specifier = '../zoo/models/registry.js';
  let registry: { resolveModel?: (nameOrPath: string) => Promise<{ path: string }> | { path: string } };
  try {
    registry = (await import(specifier)) as typeof registry;
  } catch {
    throw new ServelabError(`unknown model '${name}': the model zoo is not available; give a path or a model repository`, 'not-found');
  }
  if (!registry.resolveModel) throw new ServelabError(`unknown model '${name}': the model zoo has no resolver`, 'not-found');
  return registry.resolveModel(name);
};
