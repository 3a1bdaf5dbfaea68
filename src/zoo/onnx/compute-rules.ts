import { intAttr, intsAttr, stringAttr } from './attributes.js';
import { axesOf, broadcast, count, normAxis, withValues, type KnownValue, type OpInputs, type OpResult, type Rule } from './known-value.js';
import type { NodeProto } from './onnx-schema.js';

/** Shape and FLOP rules of the ops that compute: convolutions, matrix products, recurrences, elementwise, reductions. */
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

export const COMPUTE_RULES: Record<string, Rule> = {
  Conv: conv, ConvTranspose: convTranspose, MaxPool: pool, AveragePool: pool, GlobalAveragePool: globalPool, GlobalMaxPool: globalPool,
  MatMul: matMul, Gemm: gemm, LSTM: recurrent(4), GRU: recurrent(3), Resize: resize, Upsample: resize,
  ReduceMean: reduce, ReduceSum: reduce, ReduceMax: reduce, ReduceMin: reduce, ReduceL2: reduce, Where: binary,
  ...Object.fromEntries(Object.keys(UNARY_FLOPS).map((op) => [op, unary])),
  ...Object.fromEntries(Object.keys(BINARY_VALUE).map((op) => [op, binary])),
};
