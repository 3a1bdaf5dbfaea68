import { intAttr, intsAttr } from './attributes.js';
import { axesOf, broadcast, count, normAxis, ravel, unravel, withValues, type KnownValue, type Rule } from './known-value.js';
import { tensorValues } from './model-io.js';

/** Shape rules of the ops that only move or describe data (FLOPs 0), with small-tensor value propagation for shape arithmetic. */

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

export const LAYOUT_RULES: Record<string, Rule> = {
  Reshape: reshape, Flatten: flatten, Transpose: transpose, Squeeze: squeeze, Unsqueeze: unsqueeze, Concat: concat, Slice: slice,
  Gather: gather, Shape: shapeOf, Pad: pad, ConstantOfShape: constantOfShape, Expand: expand, Size: size, Range: range, Split: split,
};
