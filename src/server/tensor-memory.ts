import { Buffer } from 'node:buffer';
import { BYTES_PER_ELEMENT, allocate, type Datatype, type TensorData } from '../core/tensor.js';

/**
 * Tensor memory on the request path. Batches and decoded tensors are overwritten in full right away, so their
 * memory need not be zero-filled; each gets an ArrayBuffer of its own, so it can be transferred to a worker.
 */
export function allocateUninitialized(datatype: Datatype, count: number): TensorData {
  if (datatype === 'BYTES') return allocate(datatype, count);
  const buffer = Buffer.allocUnsafeSlow(count * BYTES_PER_ELEMENT[datatype]).buffer as ArrayBuffer;
  return typedView(datatype, buffer, 0, count);
}

/** A typed array of the datatype's kind over existing memory. */
export function typedView(datatype: Exclude<Datatype, 'BYTES'>, buffer: ArrayBuffer, byteOffset: number, count: number): Exclude<TensorData, string[]> {
  switch (datatype) {
    case 'BOOL':
    case 'UINT8':
      return new Uint8Array(buffer, byteOffset, count);
    case 'INT8':
      return new Int8Array(buffer, byteOffset, count);
    case 'INT16':
      return new Int16Array(buffer, byteOffset, count);
    case 'INT32':
      return new Int32Array(buffer, byteOffset, count);
    case 'INT64':
      return new BigInt64Array(buffer, byteOffset, count);
    case 'FP32':
      return new Float32Array(buffer, byteOffset, count);
    case 'FP64':
      return new Float64Array(buffer, byteOffset, count);
  }
}
