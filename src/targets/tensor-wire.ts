/**
 * Tensor data on the wire, for the clients: flat JSON lists (KServe v2 JSON), nested JSON lists (TF Serving),
 * and raw little-endian bytes (KServe binary extension, gRPC raw contents).
 */
import { BYTES_PER_ELEMENT, allocate, elementCount, nest, type Datatype, type Tensor, type TensorData } from '../core/tensor.js';
import { RequestError } from './request-error.js';

/** A flat JSON-ready list (INT64 as numbers, BOOL as booleans, BYTES as strings). */
export function jsonList(tensor: Pick<Tensor, 'data' | 'datatype'>): unknown[] {
  const { data, datatype } = tensor;
  if (Array.isArray(data)) return data;
  if (datatype === 'BOOL') return Array.from(data as Uint8Array, (value) => value !== 0);
  if (data instanceof BigInt64Array) return Array.from(data, Number);
  return Array.from(data as Float32Array);
}

/** The flat list nested into the tensor's shape (TF Serving wants nested lists). */
export function nestedList(tensor: Tensor): unknown {
  return nest(jsonList(tensor), tensor.shape);
}

/** The shape of nested JSON lists, read along their first elements (O(rank): values are not visited). */
export function nestedShape(value: unknown): number[] {
  const shape: number[] = [];
  for (let level = value; Array.isArray(level); level = level[0]) shape.push(level.length);
  return shape;
}

/** Flattens nested JSON lists, returning the values and the shape of the nesting. */
export function flattenNested(value: unknown): { values: unknown[]; shape: number[] } {
  const shape = nestedShape(value);
  if (!Array.isArray(value)) return { values: [value], shape };
  return { values: (value as unknown[]).flat(Infinity), shape };
}

/** Typed data from JSON values (lenient: a client decodes what a server sent, it does not police it). */
export function dataFromJson(values: readonly unknown[], datatype: Datatype): TensorData {
  const data = allocate(datatype, values.length);
  if (datatype === 'BYTES') {
    values.forEach((value, index) => ((data as string[])[index] = typeof value === 'string' ? value : JSON.stringify(value)));
  } else if (data instanceof BigInt64Array) {
    values.forEach((value, index) => (data[index] = BigInt(Math.trunc(Number(value)))));
  } else {
    const out = data as Float64Array;
    values.forEach((value, index) => (out[index] = typeof value === 'boolean' ? Number(value) : Number(value)));
  }
  return data;
}

/** Raw little-endian bytes of tensor data (BYTES as 4-byte length + UTF-8 per element). */
export function rawBytes(data: TensorData): Buffer {
  if (!Array.isArray(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.concat(
    data.flatMap((value) => {
      const body = Buffer.from(value, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(body.length, 0);
      return [length, body];
    }),
  );
}

/** Typed data from raw little-endian bytes, copied into owned (aligned) memory. */
export function dataFromRaw(bytes: Uint8Array, datatype: Datatype, shape: readonly number[]): TensorData {
  if (datatype === 'BYTES') {
    const out: string[] = [];
    const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let offset = 0; offset + 4 <= view.length; ) {
      const length = view.readUInt32LE(offset);
      out.push(view.subarray(offset + 4, offset + 4 + length).toString('utf8'));
      offset += 4 + length;
    }
    return out;
  }
  const count = elementCount(shape);
  const expected = count * BYTES_PER_ELEMENT[datatype];
  if (bytes.byteLength !== expected) {
    throw new RequestError('decode', `output of ${bytes.byteLength} bytes does not match ${datatype} [${shape.join(', ')}] (${expected} bytes)`);
  }
  const data = allocate(datatype, count) as Exclude<TensorData, string[]>;
  new Uint8Array(data.buffer).set(bytes);
  return data;
}
