import type { TensorSpec } from '../../core/tensor.js';
import { ZOO_MODEL_INPUTS } from './model-conventions.js';

export interface ZooModelInputs {
  readonly name: string;
  readonly inputs: readonly TensorSpec[];
}

/** The zoo models a workload may fit, with their input specs. */
export function zooModelInputs(): readonly ZooModelInputs[] {
  return Object.entries(ZOO_MODEL_INPUTS).map(([name, inputs]) => ({ name, inputs }));
}
