import { errorMessage } from '../../core/errors.js';
import type { TensorSpec } from '../../core/tensor.js';
import { getModelCard, MODEL_NAMES } from '../models/registry.js';
import { ZOO_MODEL_INPUTS } from './model-conventions.js';

export interface ZooModelInputs {
  readonly name: string;
  readonly inputs: readonly TensorSpec[];
  /** 'card': read from the model's card; 'convention': the zoo's documented input convention (card unreadable). */
  readonly from: 'card' | 'convention';
  /** Why the card could not be read, when `from` is 'convention'. */
  readonly cardProblem?: string;
}

/** The zoo's conventional input specs, synchronously (what `Workload.describe()` uses by default). */
export function conventionalModelInputs(): readonly ZooModelInputs[] {
  return Object.entries(ZOO_MODEL_INPUTS).map(([name, inputs]) => ({ name, inputs, from: 'convention' as const }));
}

/**
 * Every zoo model with the input specs its card declares, in the registry's order, then any conventional model the
 * registry does not list yet. A model whose card cannot be read (its file missing) keeps its conventional specs and
 * says why, so one broken model does not hide which workloads fit the others.
 */
export async function zooModelInputs(): Promise<ZooModelInputs[]> {
  const models: ZooModelInputs[] = [];
  for (const name of MODEL_NAMES) {
    try {
      models.push({ name, inputs: (await getModelCard(name)).inputs, from: 'card' });
    } catch (error) {
      const convention = ZOO_MODEL_INPUTS[name];
      if (convention) models.push({ name, inputs: convention, from: 'convention', cardProblem: errorMessage(error) });
    }
  }
  for (const model of conventionalModelInputs()) if (!MODEL_NAMES.includes(model.name)) models.push(model);
  return models;
}
