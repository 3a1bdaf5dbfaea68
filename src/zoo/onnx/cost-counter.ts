import { attribute } from './attributes.js';
import { isFloatTensor, tensorElementCount, tensorValues } from './model-io.js';
import type { GraphProto, ModelProto, NodeProto, TensorProto } from './onnx-schema.js';
import { applyRule, type KnownValue } from './shape-rules.js';

export interface ModelCost {
  /** Learned parameters: float initializers and Constant tensors of rank >= 1, BatchNormalization running statistics excluded. */
  readonly params: number;
  /** FLOPs (multiply-add = 2) for the given input shapes; ops listed in `uncounted` are missing from it. */
  readonly flops: number;
  /** Op types whose output shapes could not be inferred (their cost, and that of ops after them, is not counted). */
  readonly uncounted: readonly string[];
}

const SMALL_TENSOR = 64;

/**
 * Parameter count and a shape-propagating FLOP count of an ONNX model at concrete input shapes. Shapes of
 * computed shape tensors (Shape → Gather → Concat → Reshape, as exporters emit) are followed by evaluating
 * small integer tensors; an If whose condition is known takes the branch it would take at run time.
 */
export function countModelCost(
  model: ModelProto,
  inputShapes: Readonly<Record<string, readonly number[]>>,
  inputValues: Readonly<Record<string, readonly number[]>> = {},
): ModelCost {
  const graph = model.graph ?? {};
  const opset = Number(model.opsetImport?.find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 13);
  const known = new Map<string, KnownValue>();
  for (const [name, shape] of Object.entries(inputShapes)) {
    const values = inputValues[name];
    known.set(name, values ? { shape, values } : { shape });
  }
  const state = { flops: 0, uncounted: new Set<string>() };
  walkGraph(graph, known, opset, state);
  return { params: countParams(graph), flops: state.flops, uncounted: [...state.uncounted].sort() };
}

function knownTensor(tensor: TensorProto): KnownValue {
  const shape = (tensor.dims ?? []).map(Number);
  const small = tensorElementCount(tensor) <= SMALL_TENSOR;
  return small ? { shape, values: tensorValues(tensor) } : { shape };
}

function walkGraph(graph: GraphProto, known: Map<string, KnownValue>, opset: number, state: { flops: number; uncounted: Set<string> }): void {
  for (const tensor of graph.initializer ?? []) if (tensor.name && !known.has(tensor.name)) known.set(tensor.name, knownTensor(tensor));
  for (const node of graph.node ?? []) {
    const outputs = node.output ?? [];
    if (node.opType === 'Constant') {
      const value = attribute(node, 'value')?.t;
      const name = outputs[0];
      if (value && name) known.set(name, knownTensor(value));
      continue;
    }
    if (node.opType === 'If') {
      walkIf(node, known, opset, state);
      continue;
    }
    const inputs = (node.input ?? []).map((name) => (name ? known.get(name) : undefined));
    const missingInput = (node.input ?? []).some((name, i) => name && !inputs[i]);
    const result = missingInput ? undefined : applyRule(node, inputs, opset);
    if (!result) {
      if (!missingInput) state.uncounted.add(node.opType ?? '?');
      continue;
    }
    state.flops += result.flops;
    outputs.forEach((name, i) => {
      const value = result.outputs[i];
      if (name && value) known.set(name, value);
    });
  }
}

function walkIf(node: NodeProto, known: Map<string, KnownValue>, opset: number, state: { flops: number; uncounted: Set<string> }): void {
  const condition = known.get(node.input?.[0] ?? '')?.values?.[0];
  const branch = attribute(node, condition === 0 ? 'else_branch' : 'then_branch')?.g;
  if (!branch) return;
  walkGraph(branch, known, opset, state);
  (node.output ?? []).forEach((name, i) => {
    const value = known.get(branch.output?.[i]?.name ?? '');
    if (name && value) known.set(name, value);
  });
}

/** Float initializers and Constant tensors of the graph and its subgraphs, minus BatchNormalization running mean/var. */
export function countParams(graph: GraphProto): number {
  const runningStats = new Set<string>();
  const tensors: TensorProto[] = [];
  const collect = (g: GraphProto): void => {
    tensors.push(...(g.initializer ?? []));
    for (const node of g.node ?? []) {
      if (node.opType === 'BatchNormalization') for (const name of (node.input ?? []).slice(3, 5)) runningStats.add(name);
      const value = node.opType === 'Constant' ? attribute(node, 'value')?.t : undefined;
      if (value) tensors.push({ ...value, name: node.output?.[0] ?? '' });
      for (const a of node.attribute ?? []) if (a.g) collect(a.g);
    }
  };
  collect(graph);
  // Scalars (rank 0) are constants of the computation (epsilons, clip bounds), not learned parameters.
  const learned = tensors.filter((t) => isFloatTensor(t) && (t.dims?.length ?? 0) > 0 && !runningStats.has(t.name ?? ''));
  return learned.reduce((n, t) => n + tensorElementCount(t), 0);
}
