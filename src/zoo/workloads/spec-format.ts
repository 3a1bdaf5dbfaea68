import type { TensorSpec } from '../../core/tensor.js';
import { ServelabError } from '../../core/errors.js';

/** `name DATATYPE [d0,d1,...]`, the way errors and tables show an input. */
export function formatSpec(spec: TensorSpec): string {
  return `${spec.name} ${spec.datatype} [${spec.shape.join(',')}]`;
}

export function formatSpecs(specs: readonly TensorSpec[]): string {
  return specs.length === 0 ? '(no inputs)' : specs.map(formatSpec).join(', ');
}

/** Fixed size of an axis, or undefined where the model declares it dynamic (-1). */
export function fixedAxis(spec: TensorSpec, axis: number): number | undefined {
  const size = spec.shape[axis];
  return size === undefined || size < 0 ? undefined : size;
}

/** A model may fix its batch axis (often to 1); then only that batch size can be sent. */
export function checkBatchAxis(spec: TensorSpec, batchSize: number, batchAxis = 0): void {
  const fixed = fixedAxis(spec, batchAxis);
  if (fixed !== undefined && fixed !== batchSize) {
    throw new ServelabError(`batch size ${batchSize} does not fit ${formatSpec(spec)}: its batch axis is fixed to ${fixed}`);
  }
}
