import { ServelabError } from '../../core/errors.js';
import { BYTES_PER_ELEMENT, allocate, elementCount, type Datatype, type TensorData } from '../../core/tensor.js';
import { allocateUninitialized, typedView } from '../tensor-memory.js';

/** Conversions between JSON values and typed tensor data, shared by the KServe and TF Serving JSON protocols. */

/** Flattens nested arrays (row-major) into one list. */
export function flatten(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) return [value];
  if (!value.some(Array.isArray)) return value;
  const out: unknown[] = [];
  const walk = (item: unknown): void => {
    if (Array.isArray(item)) for (const child of item) walk(child);
    else out.push(item);
  };
  walk(value);
  if (out.length === 0 && value.length > 0) throw new ServelabError(`${what}: empty nested data`);
  return out;
}

/** Shape of a nested, rectangular array (scalars have shape []); ragged nesting is rejected. */
export function nestedShape(value: unknown, what: string): number[] {
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const check = (item: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(item)) throw new ServelabError(`${what}: ragged nested array (deeper than its first element)`);
      return;
    }
    if (!Array.isArray(item) || item.length !== shape[depth]) {
      throw new ServelabError(`${what}: ragged nested array (expected ${shape[depth]} elements at depth ${depth})`);
    }
    for (const child of item) check(child, depth + 1);
  };
  check(value, 0);
  return shape;
}

/** Largest finite float32; a larger double would become Infinity in an FP32 tensor. */
const FP32_MAX = 3.4028234663852886e38;

export interface TypedFromValuesOptions {
  /**
   * NaN and ±Infinity pass (gRPC typed contents carry IEEE floats). JSON cannot carry them, so a JSON
   * number that parsed to Infinity (1e999) or overflows FP32 is refused instead of turned into Infinity.
   */
  readonly allowNonFinite?: boolean;
}

/** Typed data from a flat list of JSON values, checking every element fits the datatype. */
export function typedFromJson(values: readonly unknown[], datatype: Datatype, what: string, options: TypedFromValuesOptions = {}): TensorData {
  const data = allocate(datatype, values.length);
  const bad = (index: number, expected: string): never => {
    const value = values[index];
    const shown = typeof value === 'number' && !Number.isFinite(value) ? String(value) : JSON.stringify(value);
    throw new ServelabError(`${what}: element ${index} is ${shown}, expected ${expected} for datatype ${datatype}`);
  };
  if (datatype === 'BYTES') {
    values.forEach((value, index) => {
      if (typeof value === 'string') (data as string[])[index] = value;
      else if (value !== null && typeof value === 'object' && typeof (value as { b64?: unknown }).b64 === 'string') {
        (data as string[])[index] = Buffer.from((value as { b64: string }).b64, 'base64').toString('latin1');
      } else bad(index, 'a string');
    });
    return data;
  }
  if (datatype === 'BOOL') {
    const out = data as Uint8Array;
    values.forEach((value, index) => {
      if (typeof value === 'boolean') out[index] = value ? 1 : 0;
      else if (value === 0 || value === 1) out[index] = value;
      else bad(index, 'true or false');
    });
    return data;
  }
  if (datatype === 'INT64') {
    const out = data as BigInt64Array;
    values.forEach((value, index) => {
      if (typeof value !== 'number' || !Number.isInteger(value)) bad(index, 'an integer');
      out[index] = BigInt(value as number);
    });
    return data;
  }
  const integer = datatype !== 'FP32' && datatype !== 'FP64';
  const out = data as Float32Array;
  if (integer || options.allowNonFinite) {
    values.forEach((value, index) => {
      if (typeof value !== 'number' || (integer && !Number.isInteger(value))) bad(index, integer ? 'an integer' : 'a number');
      out[index] = value as number;
    });
    return data;
  }
  const limit = datatype === 'FP32' ? FP32_MAX : Number.MAX_VALUE;
  const expected = `a finite number within ±${limit} (JSON has no NaN or Infinity)`;
  values.forEach((value, index) => {
    if (typeof value !== 'number' || !(Math.abs(value) <= limit)) bad(index, expected);
    out[index] = value as number;
  });
  return data;
}

/** How JSON responses carry non-finite floats: the strings of the proto3 JSON mapping, as JSON numbers cannot. */
const NON_FINITE_JSON = { nan: 'NaN', infinity: 'Infinity', negativeInfinity: '-Infinity' } as const;

function jsonFromFloats(data: Float32Array | Float64Array): unknown[] {
  let finite = true;
  for (let index = 0; index < data.length; index++) {
    if (!Number.isFinite(data[index]!)) {
      finite = false;
      break;
    }
  }
  if (finite) return Array.from(data);
  return Array.from(data, (value) =>
    Number.isFinite(value) ? value : Number.isNaN(value) ? NON_FINITE_JSON.nan : value > 0 ? NON_FINITE_JSON.infinity : NON_FINITE_JSON.negativeInfinity,
  );
}

/**
 * JSON-ready flat list of a tensor's data (INT64 as numbers, BOOL as booleans; non-finite FP32/FP64 values as
 * the strings "NaN", "Infinity" and "-Infinity", which JSON.stringify would otherwise turn into null).
 */
export function jsonFromTyped(data: TensorData, datatype: Datatype): unknown[] {
  if (Array.isArray(data)) return data;
  if (datatype === 'BOOL') return Array.from(data as Uint8Array, (value) => value !== 0);
  if (data instanceof BigInt64Array) return Array.from(data, Number);
  if (data instanceof Float32Array || data instanceof Float64Array) return jsonFromFloats(data);
  return Array.from(data as Int32Array);
}

/** Typed data from little-endian raw bytes (binary tensor extension, gRPC raw contents), copied into owned memory. */
export function typedFromBytes(bytes: Uint8Array, datatype: Datatype, shape: readonly number[], what: string): TensorData {
  const count = elementCount(shape);
  if (datatype === 'BYTES') {
    const out: string[] = [];
    let offset = 0;
    while (offset < bytes.length) {
      if (offset + 4 > bytes.length) throw new ServelabError(`${what}: BYTES element ${out.length} is truncated (no 4-byte length)`);
      const length = Buffer.from(bytes.buffer, bytes.byteOffset + offset, 4).readUInt32LE(0);
      if (offset + 4 + length > bytes.length) throw new ServelabError(`${what}: BYTES element ${out.length} is truncated`);
      out.push(Buffer.from(bytes.buffer, bytes.byteOffset + offset + 4, length).toString('utf8'));
      offset += 4 + length;
    }
    if (out.length !== count) throw new ServelabError(`${what}: ${out.length} BYTES elements, but shape [${shape.join(', ')}] needs ${count}`);
    return out;
  }
  const expected = count * BYTES_PER_ELEMENT[datatype];
  if (bytes.length !== expected) {
    throw new ServelabError(`${what}: ${bytes.length} bytes of ${datatype} data, but shape [${shape.join(', ')}] needs ${expected}`);
  }
  // Aligned bytes are used in place (a view into the request body); unaligned ones are copied once.
  const bytesPerElement = BYTES_PER_ELEMENT[datatype];
  if (bytes.byteOffset % bytesPerElement === 0) return typedView(datatype, bytes.buffer as ArrayBuffer, bytes.byteOffset, count);
  return typedView(datatype, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer, 0, count);
}

/**
 * Typed data from raw bytes in memory of its own (one copy, always): a whole ArrayBuffer that moves to the
 * instance thread by transfer, instead of a view into a larger message that postMessage would copy.
 */
export function ownedTypedFromBytes(bytes: Uint8Array, datatype: Datatype, shape: readonly number[], what: string): TensorData {
  const count = elementCount(shape);
  if (datatype === 'BYTES' || bytes.length !== count * BYTES_PER_ELEMENT[datatype]) return typedFromBytes(bytes, datatype, shape, what);
  const data = allocateUninitialized(datatype, count) as Exclude<TensorData, string[]>;
  new Uint8Array(data.buffer, data.byteOffset, data.byteLength).set(bytes);
  return data;
}

/** Raw little-endian bytes of tensor data (BYTES as 4-byte length + UTF-8). */
export function bytesFromTyped(data: TensorData): Uint8Array {
  if (!Array.isArray(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const parts = data.flatMap((value) => {
    const body = Buffer.from(value, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(body.length, 0);
    return [length, body];
  });
  return Buffer.concat(parts);
}
