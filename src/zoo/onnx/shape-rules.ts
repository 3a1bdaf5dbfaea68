import { COMPUTE_RULES } from './compute-rules.js';
import type { OpInputs, OpResult, Rule } from './known-value.js';
import { LAYOUT_RULES } from './layout-rules.js';
import type { NodeProto } from './onnx-schema.js';

export type { KnownValue, OpInputs, OpResult } from './known-value.js';

const RULES: Record<string, Rule> = { ...COMPUTE_RULES, ...LAYOUT_RULES };

/** Output shapes (and small values) plus FLOPs of one node, or undefined when the op or an input is unknown. */
export function applyRule(node: NodeProto, inputs: OpInputs, opset: number): OpResult | undefined {
  const rule = RULES[node.opType ?? ''];
  if (!rule) return undefined;
  return rule(node, inputs, opset);
}

