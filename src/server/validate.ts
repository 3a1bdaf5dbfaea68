import { ServelabError } from '../core/errors.js';
import { elementCount, shapeFits, type Tensor } from '../core/tensor.js';
import type { ModelSignature } from './signature.js';

const formatShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/**
 * Checks request tensors against the model's signature and returns them in signature order with the
 * request's batch size. Every problem is a ServelabError('invalid-input') naming the tensor and what was expected.
 */
export function validateInputs(model: string, signature: ModelSignature, inputs: readonly Tensor[]): { ordered: Tensor[]; batchSize: number } {
  const expected = (): string => signature.inputs.map((spec) => `${spec.name} (${spec.datatype} ${formatShape(spec.shape)})`).join(', ');
  const byName = new Map<string, Tensor>();
  for (const tensor of inputs) {
    if (!signature.inputs.some((spec) => spec.name === tensor.name)) {
      throw new ServelabError(`model '${model}' has no input '${tensor.name}'; expected inputs: ${expected()}`);
    }
    if (byName.has(tensor.name)) throw new ServelabError(`input '${tensor.name}' is given more than once`);
    byName.set(tensor.name, tensor);
  }
  let batchSize: number | undefined;
  const ordered = signature.inputs.map((spec) => {
    const tensor = byName.get(spec.name);
    if (!tensor) throw new ServelabError(`model '${model}' needs input '${spec.name}' (${spec.datatype} ${formatShape(spec.shape)}), but the request lacks it; expected inputs: ${expected()}`);
    if (tensor.datatype !== spec.datatype) {
      throw new ServelabError(`input '${spec.name}' of model '${model}' must have datatype ${spec.datatype}, but got ${tensor.datatype}`);
    }
    if (!shapeFits(tensor.shape, spec.shape) || tensor.shape.some((extent) => !Number.isInteger(extent) || extent < 0)) {
      throw new ServelabError(`input '${spec.name}' of model '${model}' must have shape ${formatShape(spec.shape)} (-1 = any), but got ${formatShape(tensor.shape)}`);
    }
    const needed = elementCount(tensor.shape);
    if (tensor.data.length !== needed) {
      throw new ServelabError(`input '${spec.name}' has ${tensor.data.length} elements, but its shape ${formatShape(tensor.shape)} needs ${needed}`);
    }
    if (typeof spec.batchAxis === 'number') {
      const rows = tensor.shape[spec.batchAxis]!;
      if (batchSize !== undefined && rows !== batchSize) {
        throw new ServelabError(`inputs disagree on the batch size: '${spec.name}' has ${rows} along its batch axis ${spec.batchAxis}, others ${batchSize}`);
      }
      batchSize = rows;
    }
    return tensor;
  });
  return { ordered, batchSize: batchSize ?? 1 };
}
