import { intAttr, intsAttr, stringAttr } from './attributes.js';
import { tensorValues } from './model-io.js';
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

type Rule = (node: NodeProto, inputs: OpInputs, opset: number) => OpResult | undefined;

const count = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);
const same = (shape: readonly number[], flopsPerElement: number): OpResult => ({ outputs: [{ shape }], flops: flopsPerElement * count(shape) });
const normAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);
const MAX_VALUE_ELEMENTS = 64;
const withValues = (shape: number[], values: number[] | undefined): KnownValue =>
  values && values.length === count(shape) && values.length <= MAX_VALUE_ELEMENTS ? { shape, values } : { shape };

/** Row-major multi-index of a flat offset. */
function unravel(offset: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  for (let axis = shape.length - 1, rest = offset; axis >= 0; axis--) {
    const dim = shape[axis] ?? 1;
    index[axis] = rest % dim;
    rest = Math.floor(rest / dim);
  }
  return index;
}

function ravel(index: readonly number[], shape: readonly number[]): number {
  return index.reduce((offset, i, axis) => offset * (shape[axis] ?? 1) + i, 0);
}

function broadcast(shapes: readonly (readonly number[])[]): number[] {
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

const UNARY_FLOPS: Record<string, number> = {
  Relu: 1, LeakyRelu: 1, PRelu: 1, Sigmoid: 4, HardSigmoid: 3, HardSwish: 4, Tanh: 4, Erf: 4, Gelu: 8, Softplus: 4,
  Sqrt: 1, Exp: 1, Log: 1, Neg: 1, Abs: 1, Reciprocal: 1, Floor: 1, Ceil: 1, Round: 1, Sign: 1, Clip: 2, Elu: 3, Selu: 3,
  Identity: 0, Cast: 0, Dropout: 0, Not: 0, IsNaN: 0, Softmax: 3, LogSoftmax: 4, LayerNormalization: 5, InstanceNormalization: 5,
  BatchNormalization: 2, LpNormalization: 3,
};
const BINARY_VALUE: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b, Sub: (a, b) => a - b, Mul: (a, b) => a * b, Div: (a, b) => (Number.isInteger(a) && Number.isInteger(b) ? Math.trunc(a / b) : a / b),
  Equal: (a, b) => Number(a === b), Less: (a, b) => Number(a < b), Greater: (a, b) => Number(a > b), Max: Math.max, Min: Math.min,
  Pow: (a, b) => a ** b, And: (a, b) => Number(Boolean(a && b)), Or: (a, b) => Number(Boolean(a || b)), Mod: (a, b) => a % b,
};

function unary(node: NodeProto, inputs: OpInputs): OpResult | undefined {
  const x = inputs[0];
  if (!x) return undefined;
  const op = node.opType ?? '';
  const values = op === 'Not' ? x.values?.map((v) => Number(!v)) : op === 'Identity' || op === 'Cast' ? x.values?.slice() : undefined;
  const outputs: (KnownValue | undefined)[] = [withValues([...x.shape], values)];
  return { outputs, flops: (UNARY_FLOPS[op] ?? 1) * count(x.shape) };
}

function binary(node: NodeProto, inputs: OpInputs): OpResult | undefined {
  const present = inputs.filter((i): i is KnownValue => i !== undefined);
  if (present.length !== inputs.length || present.length === 0) return undefined;
  const shape = broadcast(present.map((i) => i.shape));
  const fn = BINARY_VALUE[node.opType ?? ''];
  const [a, b] = present;
  let values: number[] | undefined;
  if (fn && a?.values && b?.values && present.length === 2) {
    const n = count(shape);
    values = [];
    for (let i = 0; i < n; i++) values.push(fn(a.values[a.values.length === 1 ? 0 : i] ?? NaN, b.values[b.values.length === 1 ? 0 : i] ?? NaN));
  }
  return { outputs: [withValues(shape, values)], flops: count(shape) };
}

/** Output spatial sizes of a sliding window (Conv, pooling), honouring pads, strides, dilations and auto_pad. */
function windowOutput(node: NodeProto, spatial: readonly number[], kernel: readonly number[], ceilMode = false): number[] {
  const strides = intsAttr(node, 'strides') ?? spatial.map(() => 1);
  const dilations = intsAttr(node, 'dilations') ?? spatial.map(() => 1);
  const pads = intsAttr(node, 'pads') ?? spatial.flatMap(() => [0, 0]).concat();
  const autoPad = stringAttr(node, 'auto_pad', 'NOTSET');
  return spatial.map((size, i) => {
    const s = strides[i] ?? 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(size / s);
    const k = ((kernel[i] ?? 1) - 1) * (dilations[i] ?? 1) + 1;
    const padded = size + (pads[i] ?? 0) + (pads[i + spatial.length] ?? 0) - k;
    return (ceilMode ? Math.ceil(padded / s) : Math.floor(padded / s)) + 1;
  });
}

const conv: Rule = (node, [x, w, bias]) => {
  if (!x || !w) return undefined;
  const group = intAttr(node, 'group', 1);
  const kernel = w.shape.slice(2);
  const out = windowOutput(node, x.shape.slice(2), kernel);
  const outputs = count(out) * (w.shape[0] ?? 0) * (x.shape[0] ?? 1);
  const macs = outputs * ((x.shape[1] ?? 0) / group) * count(kernel);
  return { outputs: [{ shape: [x.shape[0] ?? 1, w.shape[0] ?? 0, ...out] }], flops: 2 * macs + (bias ? outputs : 0) };
};

const convTranspose: Rule = (node, [x, w]) => {
  if (!x || !w) return undefined;
  const group = intAttr(node, 'group', 1);
  const spatial = x.shape.slice(2);
  const kernel = w.shape.slice(2);
  const strides = intsAttr(node, 'strides') ?? spatial.map(() => 1);
  const pads = intsAttr(node, 'pads') ?? spatial.flatMap(() => [0, 0]);
  const outPad = intsAttr(node, 'output_padding') ?? spatial.map(() => 0);
  const dilations = intsAttr(node, 'dilations') ?? spatial.map(() => 1);
  const out = spatial.map((size, i) => (strides[i] ?? 1) * (size - 1) + (outPad[i] ?? 0) + ((kernel[i] ?? 1) - 1) * (dilations[i] ?? 1) + 1 - (pads[i] ?? 0) - (pads[i + spatial.length] ?? 0));
  const channelsOut = (w.shape[1] ?? 0) * group;
  const macs = count(x.shape) * ((w.shape[1] ?? 0)) * count(kernel);
  return { outputs: [{ shape: [x.shape[0] ?? 1, channelsOut, ...out] }], flops: 2 * macs };
};

const pool: Rule = (node, [x]) => {
  if (!x) return undefined;
  const kernel = intsAttr(node, 'kernel_shape') ?? [];
  const out = windowOutput(node, x.shape.slice(2), kernel, intAttr(node, 'ceil_mode', 0) === 1);
  const shape = [...x.shape.slice(0, 2), ...out];
  return { outputs: [{ shape }, { shape }], flops: count(shape) * count(kernel) };
};

const globalPool: Rule = (_node, [x]) => (x ? { outputs: [{ shape: [...x.shape.slice(0, 2), ...x.shape.slice(2).map(() => 1)] }], flops: count(x.shape) } : undefined);

const matMul: Rule = (_node, [a, b]) => {
  if (!a || !b) return undefined;
  const aShape = a.shape.length === 1 ? [1, ...a.shape] : a.shape;
  const bShape = b.shape.length === 1 ? [...b.shape, 1] : b.shape;
  const m = aShape[aShape.length - 2] ?? 1;
  const k = aShape[aShape.length - 1] ?? 1;
  const n = bShape[bShape.length - 1] ?? 1;
  const batch = broadcast([aShape.slice(0, -2), bShape.slice(0, -2)]);
  const shape = [...batch, ...(a.shape.length === 1 ? [] : [m]), ...(b.shape.length === 1 ? [] : [n])];
  return { outputs: [{ shape }], flops: 2 * count(batch) * m * k * n };
};

const gemm: Rule = (node, [a, b, c]) => {
  if (!a || !b) return undefined;
  const [m, k] = intAttr(node, 'transA', 0) ? [a.shape[1] ?? 1, a.shape[0] ?? 1] : [a.shape[0] ?? 1, a.shape[1] ?? 1];
  const n = intAttr(node, 'transB', 0) ? (b.shape[0] ?? 1) : (b.shape[1] ?? 1);
  return { outputs: [{ shape: [m, n] }], flops: 2 * m * k * n + (c ? m * n : 0) };
};

const recurrent = (gates: number): Rule => (node, [x, w]) => {
  if (!x || !w) return undefined;
  const hidden = intAttr(node, 'hidden_size', (w.shape[1] ?? 0) / gates);
  const directions = w.shape[0] ?? 1;
  const batchFirst = intAttr(node, 'layout', 0) === 1;
  const [steps, batch, features] = batchFirst ? [x.shape[1] ?? 1, x.shape[0] ?? 1, x.shape[2] ?? 0] : [x.shape[0] ?? 1, x.shape[1] ?? 1, x.shape[2] ?? 0];
  const perStep = 2 * gates * hidden * (features + hidden) + 10 * gates * hidden;
  const state = batchFirst ? [batch, directions, hidden] : [directions, batch, hidden];
  const y = batchFirst ? [batch, steps, directions, hidden] : [steps, directions, batch, hidden];
  return { outputs: [{ shape: y }, { shape: state }, { shape: state }], flops: directions * steps * batch * perStep };
};

/** Axes from the attribute (older opsets) or the given input (newer ones). */
function axesOf(node: NodeProto, input: KnownValue | undefined): number[] | undefined {
  return intsAttr(node, 'axes') ?? input?.values?.slice();
}

const reshape: Rule = (_node, [x, target]) => {
  if (!x || !target?.values) return undefined;
  const total = count(x.shape);
  const shape = target.values.map((d, i) => (d === 0 ? (x.shape[i] ?? 1) : d));
  const known = shape.filter((d) => d !== -1).reduce((n, d) => n * d, 1);
  return { outputs: [withValues(shape.map((d) => (d === -1 ? total / known : d)), x.values?.slice())], flops: 0 };
};

const flatten: Rule = (node, [x]) => {
  if (!x) return undefined;
  const axis = normAxis(intAttr(node, 'axis', 1), x.shape.length);
  return { outputs: [{ shape: [count(x.shape.slice(0, axis)), count(x.shape.slice(axis))] }], flops: 0 };
};

const transpose: Rule = (node, [x]) => {
  if (!x) return undefined;
  const perm = intsAttr(node, 'perm') ?? x.shape.map((_, i) => x.shape.length - 1 - i);
  const shape = perm.map((p) => x.shape[p] ?? 1);
  const values = x.values && shape.length > 0
    ? Array.from({ length: count(shape) }, (_, offset) => {
        const outIndex = unravel(offset, shape);
        const inIndex = new Array<number>(perm.length).fill(0);
        perm.forEach((p, axis) => (inIndex[p] = outIndex[axis] ?? 0));
        return x.values?.[ravel(inIndex, x.shape)] ?? NaN;
      })
    : undefined;
  return { outputs: [withValues(shape, values)], flops: 0 };
};

const squeeze: Rule = (node, [x, axesInput]) => {
  if (!x) return undefined;
  const axes = (axesOf(node, axesInput) ?? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)).map((a) => normAxis(a, x.shape.length));
  return { outputs: [withValues(x.shape.filter((_, i) => !axes.includes(i)), x.values?.slice())], flops: 0 };
};

const unsqueeze: Rule = (node, [x, axesInput]) => {
  const axes = axesOf(node, axesInput);
  if (!x || !axes) return undefined;
  const rank = x.shape.length + axes.length;
  const normalized = axes.map((a) => normAxis(a, rank));
  const shape: number[] = [];
  let source = 0;
  for (let i = 0; i < rank; i++) shape.push(normalized.includes(i) ? 1 : (x.shape[source++] ?? 1));
  return { outputs: [withValues(shape, x.values?.slice())], flops: 0 };
};

const concat: Rule = (node, inputs) => {
  const present = inputs.filter((i): i is KnownValue => i !== undefined);
  const first = present[0];
  if (!first || present.length !== inputs.length) return undefined;
  const axis = normAxis(intAttr(node, 'axis', 0), first.shape.length);
  const shape = [...first.shape];
  shape[axis] = present.reduce((n, i) => n + (i.shape[axis] ?? 0), 0);
  const values = first.shape.length === 1 && present.every((i) => i.values) ? present.flatMap((i) => i.values ?? []) : undefined;
  return { outputs: [withValues(shape, values)], flops: 0 };
};

const slice: Rule = (node, [x, startsIn, endsIn, axesIn, stepsIn], opset) => {
  if (!x) return undefined;
  const starts = opset < 10 ? intsAttr(node, 'starts') : startsIn?.values;
  const ends = opset < 10 ? intsAttr(node, 'ends') : endsIn?.values;
  if (!starts || !ends) return undefined;
  const axes = (opset < 10 ? intsAttr(node, 'axes') : axesIn?.values) ?? starts.map((_, i) => i);
  const steps = (opset < 10 ? undefined : stepsIn?.values) ?? starts.map(() => 1);
  const shape = [...x.shape];
  const firsts = x.shape.map(() => 0);
  const strides = x.shape.map(() => 1);
  axes.forEach((rawAxis, i) => {
    const axis = normAxis(rawAxis, x.shape.length);
    const dim = x.shape[axis] ?? 1;
    const step = steps[i] ?? 1;
    const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + dim : v, lo), hi);
    const start = clamp(starts[i] ?? 0, step > 0 ? 0 : -1, step > 0 ? dim : dim - 1);
    const end = clamp(ends[i] ?? dim, step > 0 ? 0 : -1, step > 0 ? dim : dim - 1);
    shape[axis] = Math.max(0, Math.ceil((end - start) / step));
    firsts[axis] = start;
    strides[axis] = step;
  });
  const values = x.values
    ? Array.from({ length: count(shape) }, (_, offset) => {
        const index = unravel(offset, shape).map((i, axis) => (firsts[axis] ?? 0) + i * (strides[axis] ?? 1));
        return x.values?.[ravel(index, x.shape)] ?? NaN;
      })
    : undefined;
  return { outputs: [withValues(shape, values)], flops: 0 };
};

const gather: Rule = (node, [data, indices]) => {
  if (!data || !indices) return undefined;
  const axis = normAxis(intAttr(node, 'axis', 0), data.shape.length);
  const shape = [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)];
  const values = data.values && indices.values && data.shape.length === 1 ? indices.values.map((i) => data.values?.[i < 0 ? i + (data.shape[0] ?? 0) : i] ?? NaN) : undefined;
  return { outputs: [withValues(shape, values)], flops: 0 };
};

const shapeOf: Rule = (node, [x]) => {
  if (!x) return undefined;
  const rank = x.shape.length;
  const start = normAxis(intAttr(node, 'start', 0), rank);
  const end = node.attribute?.some((a) => a.name === 'end') ? normAxis(intAttr(node, 'end', rank), rank) : rank;
  const values = x.shape.slice(start, end);
  return { outputs: [{ shape: [values.length], values }], flops: 0 };
};

const resize: Rule = (_node, inputs, opset) => {
  const x = inputs[0];
  if (!x) return undefined;
  const scales = (opset >= 11 ? inputs[2] : inputs[1])?.values;
  const sizes = opset >= 11 ? inputs[3]?.values : undefined;
  let shape: number[] | undefined;
  if (sizes && sizes.length === x.shape.length) shape = sizes.slice();
  else if (scales && scales.length === x.shape.length) shape = x.shape.map((d, i) => Math.floor(d * (scales[i] ?? 1)));
  return shape ? { outputs: [{ shape }], flops: 4 * count(shape) } : undefined;
};

const reduce: Rule = (node, [x, axesInput]) => {
  if (!x) return undefined;
  const axes = (axesOf(node, axesInput) ?? x.shape.map((_, i) => i)).map((a) => normAxis(a, x.shape.length));
  const keep = intAttr(node, 'keepdims', 1) === 1;
  const shape = keep ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
  return { outputs: [{ shape }], flops: count(x.shape) };
};

const pad: Rule = (node, [x, padsInput], opset) => {
  const pads = opset >= 11 ? padsInput?.values : intsAttr(node, 'pads');
  if (!x || !pads) return undefined;
  return { outputs: [{ shape: x.shape.map((d, i) => d + (pads[i] ?? 0) + (pads[i + x.shape.length] ?? 0)) }], flops: 0 };
};

const constantOfShape: Rule = (node, [shapeInput]) => {
  if (!shapeInput?.values) return undefined;
  const fill = node.attribute?.find((a) => a.name === 'value')?.t;
  const fillValue = fill ? (tensorValues(fill)[0] ?? 0) : 0;
  const shape = shapeInput.values.slice();
  return { outputs: [withValues(shape, new Array<number>(count(shape)).fill(fillValue))], flops: 0 };
};

const expand: Rule = (_node, [x, target]) => (x && target?.values ? { outputs: [{ shape: broadcast([x.shape, target.values]) }], flops: 0 } : undefined);

const size: Rule = (_node, [x]) => (x ? { outputs: [{ shape: [], values: [count(x.shape)] }], flops: 0 } : undefined);

const range: Rule = (_node, [start, limit, delta]) => {
  const [s, l, d] = [start?.values?.[0], limit?.values?.[0], delta?.values?.[0]];
  if (s === undefined || l === undefined || d === undefined) return undefined;
  const n = Math.max(0, Math.ceil((l - s) / d));
  return { outputs: [withValues([n], Array.from({ length: n }, (_, i) => s + i * d))], flops: 0 };
};

const split: Rule = (node, [x, splitInput]) => {
  if (!x) return undefined;
  const axis = normAxis(intAttr(node, 'axis', 0), x.shape.length);
  const outputsCount = node.output?.length ?? 1;
  const parts = intsAttr(node, 'split') ?? splitInput?.values ?? Array.from({ length: outputsCount }, () => (x.shape[axis] ?? 0) / outputsCount);
  return { outputs: parts.map((p) => ({ shape: x.shape.map((d, i) => (i === axis ? p : d)) })), flops: 0 };
};

const RULES: Record<string, Rule> = {
  Conv: conv, ConvTranspose: convTranspose, MaxPool: pool, AveragePool: pool, GlobalAveragePool: globalPool, GlobalMaxPool: globalPool,
  MatMul: matMul, Gemm: gemm, LSTM: recurrent(4), GRU: recurrent(3), Reshape: reshape, Flatten: flatten, Transpose: transpose,
  Squeeze: squeeze, Unsqueeze: unsqueeze, Concat: concat, Slice: slice, Gather: gather, Shape: shapeOf, Resize: resize, Upsample: resize,
  ReduceMean: reduce, ReduceSum: reduce, ReduceMax: reduce, ReduceMin: reduce, ReduceL2: reduce, Pad: pad, ConstantOfShape: constantOfShape,
  Expand: expand, Size: size, Range: range, Split: split, Where: binary,
  ...Object.fromEntries(Object.keys(UNARY_FLOPS).map((op) => [op, unary])),
  ...Object.fromEntries(Object.keys(BINARY_VALUE).map((op) => [op, binary])),
};

/** Output shapes (and small values) plus FLOPs of one node, or undefined when the op or an input is unknown. */
export function applyRule(node: NodeProto, inputs: OpInputs, opset: number): OpResult | undefined {
  const rule = RULES[node.opType ?? ''];
  if (!rule) return undefined;
  return rule(node, inputs, opset);
}

export function hasRule(opType: string): boolean {
  return opType in RULES;
}

