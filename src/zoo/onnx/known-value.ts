import { intsAttr } from './attributes.js';
import type { NodeProto } from './onnx-schema.js';

/** What the counter knows about one value: its concrete shape and, for small tensors, its values. */
export interface KnownValue {
  readonly shape: readonly number[];
  readonly values?: readonly number[];
}

export interface OpResult {
  readonly outputs: (KnownValue | undefined)[];
  readonly flops: number;
}

/** Inputs of a node as known so far (undefined where unknown or the input is omitted). */
export type OpInputs = readonly (KnownValue | undefined)[];

export type Rule = (node: NodeProto, inputs: OpInputs, opset: number) => OpResult | undefined;

export const count = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);
export const normAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);
/** Values are tracked for tensors up to this size (shape arithmetic, axes, pads), never for activations. */
const MAX_VALUE_ELEMENTS = 64;
export const withValues = (shape: number[], values: number[] | undefined): KnownValue =>
  values && values.length === count(shape) && values.length <= MAX_VALUE_ELEMENTS ? { shape, values } : { shape };

/** Row-major multi-index of a flat offset. */
export function unravel(offset: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  for (let axis = shape.length - 1, rest = offset; axis >= 0; axis--) {
    const dim = shape[axis] ?? 1;
    index[axis] = rest % dim;
    rest = Math.floor(rest / dim);
  }
  return index;
}

export function ravel(index: readonly number[], shape: readonly number[]): number {
  return index.reduce((offset, i, axis) => offset * (shape[axis] ?? 1) + i, 0);
}

export function broadcast(shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let dim = 1;
    for (const s of shapes) {
      const d = s[s.length - rank + i] ?? 1;
      if (d !== 1) dim = d;
    }
    out.push(dim);
  }
  return out;
}

/** Axes from the attribute (older opsets) or the given input (newer ones). */
export function axesOf(node: NodeProto, input: KnownValue | undefined): number[] | undefined {
  return intsAttr(node, 'axes') ?? input?.values?.slice();
}
