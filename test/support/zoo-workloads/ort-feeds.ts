import assert from 'node:assert/strict';
import ort from 'onnxruntime-node';
import { datatypeFromOrt, ORT_TYPE, type Tensor, type TensorSpec } from '../../../src/core/tensor.js';

/** KServe-style specs from ORT's own metadata (what a server reports): symbolic or unknown axes become -1. */
export function specsOf(session: ort.InferenceSession): TensorSpec[] {
  return session.inputMetadata.map((meta) => {
    assert.ok(meta.isTensor);
    return { name: meta.name, datatype: datatypeFromOrt(meta.type), shape: meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : -1)) };
  });
}

export function feeds(tensors: readonly Tensor[]): Record<string, ort.Tensor> {
  return Object.fromEntries(
    tensors.map((t) => [t.name, new ort.Tensor(ORT_TYPE[t.datatype] as 'float32', t.data as Float32Array, t.shape as number[])]),
  );
}

