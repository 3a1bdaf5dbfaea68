import { datatypeFromOrt, type TensorSpec } from '../core/tensor.js';
import type { OrtTensorMetadata } from './engine/messages.js';

/** Where a tensor's batch axis is: an axis index, or 'shared' (one value for the whole batch, e.g. a sample rate). */
export type BatchAxis = number | 'shared';

export interface TensorSignature extends TensorSpec {
  /** Symbolic names of the dynamic axes ('' when unnamed, null for fixed axes). */
  readonly dimNames: readonly (string | null)[];
  readonly batchAxis: BatchAxis | null;
}

export interface ModelSignature {
  readonly inputs: readonly TensorSignature[];
  readonly outputs: readonly TensorSignature[];
  /** Requests can be stacked along their batch axes; when false, every request runs on its own. */
  readonly batchable: boolean;
  readonly notBatchableReason?: string;
}

/**
 * Reads the batch axis of every tensor from the model's metadata. The batch axis is the axis carrying the
 * symbolic name of the first input's leading dynamic axis (so a recurrent state [2, batch, 128] batches along
 * axis 1); failing a name match, a dynamic leading axis; scalar inputs are shared. A tensor whose batch axis
 * cannot be told (e.g. a state [2, ?, 128] with unnamed axes) makes the model non-batchable unless the model
 * configuration names it in batchAxes.
 */
export function readSignature(
  inputs: readonly OrtTensorMetadata[],
  outputs: readonly OrtTensorMetadata[],
  overrides: Readonly<Record<string, BatchAxis>> = {},
): ModelSignature {
  const reference = inputs.find((input) => input.dims.length > 0 && typeof input.dims[0] === 'string');
  const batchName = reference && typeof reference.dims[0] === 'string' && reference.dims[0] !== '' ? reference.dims[0] : null;
  const problems: string[] = [];

  const describe = (meta: OrtTensorMetadata, isInput: boolean): TensorSignature => {
    const shape = meta.dims.map((dim) => (typeof dim === 'number' && dim >= 0 ? dim : -1));
    const dimNames = meta.dims.map((dim) => (typeof dim === 'string' ? dim : typeof dim === 'number' && dim < 0 ? '' : null));
    const batchAxis = overrides[meta.name] ?? inferBatchAxis(meta.dims, isInput, batchName);
    if (batchAxis === null) {
      problems.push(`cannot tell the batch axis of ${isInput ? 'input' : 'output'} '${meta.name}' ${formatDims(meta.dims)}`);
    } else if (batchAxis !== 'shared' && batchAxis >= shape.length) {
      problems.push(`batch axis ${batchAxis} of '${meta.name}' is beyond its rank ${shape.length}`);
    } else if (batchAxis === 'shared' && !isInput) {
      problems.push(`output '${meta.name}' cannot be 'shared'`);
    }
    return { name: meta.name, datatype: datatypeFromOrt(meta.ortType), shape, dimNames, batchAxis };
  };

  const inputSignatures = inputs.map((meta) => describe(meta, true));
  const outputSignatures = outputs.map((meta) => describe(meta, false));
  if (!inputSignatures.some((input) => typeof input.batchAxis === 'number')) problems.push('no input has a batch axis');
  return {
    inputs: inputSignatures,
    outputs: outputSignatures,
    batchable: problems.length === 0,
    ...(problems.length > 0 ? { notBatchableReason: `${problems.join('; ')} (set batchAxes in the model configuration)` } : {}),
  };
}

function inferBatchAxis(dims: readonly (number | string)[], isInput: boolean, batchName: string | null): BatchAxis | null {
  if (dims.length === 0) return isInput ? 'shared' : null;
  if (batchName !== null) {
    const named = dims.indexOf(batchName);
    if (named >= 0) return named;
  }
  const leading = dims[0];
  return typeof leading === 'string' || (typeof leading === 'number' && leading < 0) ? 0 : null;
}

function formatDims(dims: readonly (number | string)[]): string {
  return `[${dims.map((dim) => (typeof dim === 'number' && dim >= 0 ? String(dim) : dim === '' || typeof dim === 'number' ? '?' : dim)).join(', ')}]`;
}

/** The signature as KServe/TF Serving metadata shows it (-1 for dynamic axes). */
export function specsOf(signatures: readonly TensorSignature[]): TensorSpec[] {
  return signatures.map(({ name, datatype, shape }) => ({ name, datatype, shape: [...shape] }));
}
