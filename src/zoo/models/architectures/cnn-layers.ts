import type { GraphBuilder, Value } from '../../onnx/graph-builder.js';

/** CNN building blocks on a GraphBuilder (NCHW). Weight names are prefixed so each tensor has its own seed stream. */
export interface ConvOptions {
  readonly stride?: number;
  readonly pad?: number;
  readonly group?: number;
  readonly bias?: boolean;
}

/** Conv with He (Kaiming) initialisation: std = sqrt(2 / fan_in), which keeps activations' scale through ReLUs. */
export function conv(b: GraphBuilder, prefix: string, x: Value, outChannels: number, kernel: number, options: ConvOptions = {}): Value {
  const { stride = 1, pad = Math.floor(kernel / 2), group = 1, bias = false } = options;
  const inChannels = x.shape[1] ?? 0;
  const fanIn = (inChannels / group) * kernel * kernel;
  const weight = b.weight(`${prefix}.weight`, [outChannels, inChannels / group, kernel, kernel], { std: Math.sqrt(2 / fanIn) });
  const biasValue = bias ? b.weight(`${prefix}.bias`, [outChannels], { constant: 0 }) : undefined;
  return b.op('Conv', biasValue ? [x, weight, biasValue] : [x, weight], {
    kernel_shape: [kernel, kernel],
    strides: [stride, stride],
    pads: [pad, pad, pad, pad],
    group,
  });
}

/** Inference-mode BatchNormalization with identity statistics; `gamma` < 1 damps residual branches. */
export function batchNorm(b: GraphBuilder, prefix: string, x: Value, gamma = 1): Value {
  const channels = [x.shape[1] ?? 0];
  return b.op(
    'BatchNormalization',
    [
      x,
      b.weight(`${prefix}.weight`, channels, { constant: gamma }),
      b.weight(`${prefix}.bias`, channels, { constant: 0 }),
      b.weight(`${prefix}.running_mean`, channels, { constant: 0 }),
      b.weight(`${prefix}.running_var`, channels, { constant: 1 }),
    ],
    { epsilon: { float: 1e-5 } },
  );
}

export function relu(b: GraphBuilder, x: Value): Value {
  return b.op('Relu', [x]);
}

/** ReLU6 as Clip(0, 6) with shared scalar bounds. */
export function relu6(b: GraphBuilder, x: Value, bounds: { min: Value; max: Value }): Value {
  return b.op('Clip', [x, bounds.min, bounds.max]);
}

export function convBn(b: GraphBuilder, prefix: string, x: Value, outChannels: number, kernel: number, options: ConvOptions & { gamma?: number } = {}): Value {
  return batchNorm(b, `${prefix}.bn`, conv(b, `${prefix}.conv`, x, outChannels, kernel, options), options.gamma);
}

/** Global average pool, flatten and a fully connected layer (Glorot-scaled so logits stay O(1)). */
export function classifierHead(b: GraphBuilder, prefix: string, x: Value, classes: number): Value {
  const pooled = b.op('Flatten', [b.op('GlobalAveragePool', [x])], { axis: 1 });
  return dense(b, prefix, pooled, classes);
}

/** Gemm-based fully connected layer on a [batch, features] value. */
export function dense(b: GraphBuilder, prefix: string, x: Value, units: number, std?: number): Value {
  const features = x.shape[1] ?? 0;
  const weight = b.weight(`${prefix}.weight`, [units, features], { std: std ?? Math.sqrt(1 / features) });
  const bias = b.weight(`${prefix}.bias`, [units], { constant: 0 });
  return b.op('Gemm', [x, weight, bias], { transB: 1 });
}

export function maxPool(b: GraphBuilder, x: Value, kernel: number, stride: number, pad: number, ceil = false): Value {
  return b.op('MaxPool', [x], { kernel_shape: [kernel, kernel], strides: [stride, stride], pads: [pad, pad, pad, pad], ceil_mode: ceil ? 1 : 0 });
}
