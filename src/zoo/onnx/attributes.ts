import type { AttributeProto, NodeProto } from './onnx-schema.js';

/** Typed reads of a node's attributes, with the ONNX default when absent. */
export function attribute(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

export function intAttr(node: NodeProto, name: string, fallback: number): number {
  const found = attribute(node, name);
  return found?.i === undefined ? fallback : Number(found.i);
}

export function intsAttr(node: NodeProto, name: string): number[] | undefined {
  const found = attribute(node, name);
  return found?.ints ? found.ints.map(Number) : undefined;
}

export function stringAttr(node: NodeProto, name: string, fallback: string): string {
  const found = attribute(node, name);
  return found?.s ? Buffer.from(found.s).toString('utf8') : fallback;
}
