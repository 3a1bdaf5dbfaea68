import { createHash } from 'node:crypto';
import { allocate, elementCount, type Tensor, type TensorData } from '../core/tensor.js';
import { allocateUninitialized } from './tensor-memory.js';
import type { ModelSignature } from './signature.js';

/**
 * Stacks requests into one batch along each tensor's batch axis and splits the outputs back. Requests are
 * batched together only when their group keys match: equal shared tensors (e.g. the sample rate) and, in
 * 'equal-length' mode, equal non-batch dimensions; in 'pad' mode dynamic axes are zero-padded to the longest.
 */
export type VariableLengthMode = 'pad' | 'equal-length';

/** Request inputs ordered as the signature's inputs; batchSize is the extent of the batch axis. */
export interface BatchMember {
  readonly inputs: readonly Tensor[];
  readonly batchSize: number;
}

export function batchGroupKey(signature: ModelSignature, inputs: readonly Tensor[], mode: VariableLengthMode): string {
  const parts: string[] = [];
  signature.inputs.forEach((spec, index) => {
    const tensor = inputs[index]!;
    if (spec.batchAxis === 'shared') parts.push(`${spec.name}=${valueKey(tensor.data)}`);
    else if (mode === 'equal-length' && spec.batchAxis !== null) {
      parts.push(`${spec.name}:${tensor.shape.filter((_, axis) => axis !== spec.batchAxis).join('x')}`);
    }
  });
  return parts.join('|');
}

function valueKey(data: TensorData): string {
  const values = Array.isArray(data) ? data : Array.from(data as ArrayLike<number | bigint>, String);
  if (values.length <= 16) return values.join(',');
  return createHash('sha1').update(values.join(',')).digest('base64');
}

/** One feed per input: batched tensors stacked (and padded) along their batch axis, shared ones taken once. */
export function assembleBatch(signature: ModelSignature, members: readonly BatchMember[]): Tensor[] {
  if (members.length === 1) return [...members[0]!.inputs];
  return signature.inputs.map((spec, index) => {
    const parts = members.map((member) => member.inputs[index]!);
    const first = parts[0]!;
    const axis = spec.batchAxis;
    if (axis === 'shared' || axis === null) return first;
    const shape = first.shape.map((_, dim) =>
      dim === axis ? parts.reduce((n, part) => n + part.shape[dim]!, 0) : Math.max(...parts.map((part) => part.shape[dim]!)),
    );
    // Padding relies on zeros; without it every element is overwritten below.
    const padded = parts.some((part) => part.shape.some((extent, dim) => dim !== axis && extent !== shape[dim]));
    const data = padded ? allocate(first.datatype, elementCount(shape)) : allocateUninitialized(first.datatype, elementCount(shape));
    let offset = 0;
    for (const part of parts) {
      copyBlock(data, shape, part.data, part.shape, axis, offset);
      offset += part.shape[axis]!;
    }
    return { name: spec.name, datatype: first.datatype, shape, data };
  });
}

/**
 * Each member's slice of every output, along the output's batch axis. After padding, output axes that carry
 * the symbolic name of a padded input axis (e.g. 'sequence') are cut back to the member's own length.
 */
export function splitOutputs(signature: ModelSignature, outputs: readonly Tensor[], members: readonly BatchMember[]): Tensor[][] {
  if (members.length === 1) return [[...outputs]];
  const total = members.reduce((n, member) => n + member.batchSize, 0);
  const memberExtents = members.map((member) => namedExtents(signature, member.inputs));
  const result: Tensor[][] = members.map(() => []);
  for (const output of outputs) {
    const spec = signature.outputs.find((candidate) => candidate.name === output.name);
    const axis = spec?.batchAxis;
    if (typeof axis !== 'number' || output.shape[axis] !== total) {
      throw new Error(`output '${output.name}' shape [${output.shape.join(', ')}] has no batch axis of size ${total}`);
    }
    let offset = 0;
    members.forEach((member, index) => {
      const offsets = output.shape.map((_, dim) => (dim === axis ? offset : 0));
      const sizes = output.shape.map((extent, dim) => {
        if (dim === axis) return member.batchSize;
        const name = spec?.dimNames[dim];
        const own = name ? memberExtents[index]!.get(name) : undefined;
        return own !== undefined && own < extent ? own : extent;
      });
      result[index]!.push(extractRegion(output, offsets, sizes));
      offset += member.batchSize;
    });
  }
  return result;
}

/** Extents of a request's named dynamic (non-batch) input axes, e.g. sequence -> 12. */
function namedExtents(signature: ModelSignature, inputs: readonly Tensor[]): Map<string, number> {
  const extents = new Map<string, number>();
  signature.inputs.forEach((spec, index) => {
    spec.dimNames.forEach((name, dim) => {
      if (name && dim !== spec.batchAxis) extents.set(name, inputs[index]!.shape[dim]!);
    });
  });
  return extents;
}

function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(1);
  for (let dim = shape.length - 2; dim >= 0; dim--) out[dim] = out[dim + 1]! * shape[dim + 1]!;
  return out;
}

function copyRun(dst: TensorData, dstStart: number, src: TensorData, srcStart: number, length: number): void {
  if (Array.isArray(dst)) {
    for (let i = 0; i < length; i++) dst[dstStart + i] = (src as string[])[srcStart + i]!;
  } else {
    (dst as Float32Array).set((src as Float32Array).subarray(srcStart, srcStart + length), dstStart);
  }
}

/** Copies src into dst at `offset` along `axis`; other axes start at 0 (the rest of dst stays zero: padding). */
function copyBlock(dst: TensorData, dstShape: readonly number[], src: TensorData, srcShape: readonly number[], axis: number, offset: number): void {
  const samePadding = srcShape.every((extent, dim) => dim === axis || extent === dstShape[dim]);
  if (samePadding) {
    const outer = elementCount(srcShape.slice(0, axis));
    const inner = elementCount(srcShape.slice(axis + 1));
    const srcRun = srcShape[axis]! * inner;
    const dstRun = dstShape[axis]! * inner;
    for (let o = 0; o < outer; o++) copyRun(dst, o * dstRun + offset * inner, src, o * srcRun, srcRun);
    return;
  }
  const dstStrides = strides(dstShape);
  const srcStrides = strides(srcShape);
  const last = srcShape.length - 1;
  const walk = (dim: number, dstBase: number, srcBase: number): void => {
    const shift = dim === axis ? offset : 0;
    if (dim === last) {
      copyRun(dst, dstBase + shift, src, srcBase, srcShape[dim]!);
      return;
    }
    for (let i = 0; i < srcShape[dim]!; i++) walk(dim + 1, dstBase + (i + shift) * dstStrides[dim]!, srcBase + i * srcStrides[dim]!);
  };
  walk(0, 0, 0);
}

/** The sub-tensor starting at `offsets` with extents `sizes` (contiguous runs copied at once). */
function extractRegion(tensor: Tensor, offsets: readonly number[], sizes: readonly number[]): Tensor {
  const shape = [...sizes];
  const data = allocateUninitialized(tensor.datatype, elementCount(shape));
  const srcStrides = strides(tensor.shape);
  const dstStrides = strides(shape);
  // The innermost axes that are taken whole form one contiguous run.
  let runStart = shape.length;
  while (runStart > 0 && sizes[runStart - 1] === tensor.shape[runStart - 1] && offsets[runStart - 1] === 0) runStart--;
  const walkTo = Math.max(runStart - 1, 0);
  const runLength = shape.length === 0 ? 1 : elementCount(shape.slice(walkTo));
  const walk = (dim: number, srcBase: number, dstBase: number): void => {
    if (dim === walkTo) {
      copyRun(data, dstBase, tensor.data, srcBase + (shape.length === 0 ? 0 : offsets[dim]! * srcStrides[dim]!), runLength);
      return;
    }
    for (let i = 0; i < sizes[dim]!; i++) walk(dim + 1, srcBase + (offsets[dim]! + i) * srcStrides[dim]!, dstBase + i * dstStrides[dim]!);
  };
  walk(0, 0, 0);
  return { name: tensor.name, datatype: tensor.datatype, shape, data };
}
