import type { ModelResolver } from './repository.js';

/** Resolves a model name through the zoo's registry (zoo models are referred to by name). */
export const defaultModelResolver: ModelResolver = async (name) => {
  // Loaded lazily: a server started from a model repository or with explicit paths never needs the zoo.
  const { resolveModel } = await import('../zoo/models/registry.js');
  return resolveModel(name);
};
