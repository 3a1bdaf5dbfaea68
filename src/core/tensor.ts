/**
 * Tensors as they cross servelab's boundaries: KServe v2 datatype names, row-major data in a typed array.
 * ORT-specific conversion lives in the server; protocol encodings live in server/protocols and load/clients.
 */
export const DATATYPES = ['BOOL', 'UINT8', 'INT8', 'INT16', 'INT32', 'INT64', 'FP32', 'FP64', 'BYTES'] as const;
export type Datatype = (typeof DATATYPES)[number];

export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | string[];

export interface Tensor {
  readonly name: string;
  readonly datatype: Datatype;
  readonly shape: readonly number[];
  readonly data: TensorData;
}

/** Declared input or output of a model; -1 marks a dynamic axis. */
export interface TensorSpec {
  readonly name: string;
  readonly datatype: Datatype;
  readonly shape: readonly number[];
}

export const BYTES_PER_ELEMENT: Record<Exclude<Datatype, 'BYTES'>, number> = {
  BOOL: 1,
  UINT8: 1,
  INT8: 1,
  INT16: 2,
  INT32: 4,
  INT64: 8,
  FP32: 4,
  FP64: 8,
};

/** ONNX Runtime's name for each datatype. */
export const ORT_TYPE: Record<Datatype, string> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
};

export function datatypeFromOrt(ortType: string): Datatype {
  const entry = Object.entries(ORT_TYPE).find(([, ort]) => ort === ortType);
  if (!entry) throw new Error(`unsupported tensor element type '${ortType}'`);
  return entry[0] as Datatype;
}

export function isDatatype(value: unknown): value is Datatype {
  return typeof value === 'string' && (DATATYPES as readonly string[]).includes(value);
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** An empty typed array of the datatype's kind. */
export function allocate(datatype: Datatype, length: number): TensorData {
  switch (datatype) {
    case 'BOOL':
    case 'UINT8':
      return new Uint8Array(length);
    case 'INT8':
      return new Int8Array(length);
    case 'INT16':
      return new Int16Array(length);
    case 'INT32':
      return new Int32Array(length);
    case 'INT64':
      return new BigInt64Array(length);
    case 'FP32':
      return new Float32Array(length);
    case 'FP64':
      return new Float64Array(length);
    case 'BYTES':
      return new Array<string>(length).fill('');
  }
}

/** Does a concrete shape fit a declared one (same rank, equal wherever the declaration is not -1)? */
export function shapeFits(shape: readonly number[], declared: readonly number[]): boolean {
  return shape.length === declared.length && shape.every((d, i) => declared[i] === -1 || declared[i] === d);
}

/** Size of a tensor's data in bytes (BYTES counted as 4-byte length prefix + UTF-8 payload). */
export function byteSize(tensor: Pick<Tensor, 'datatype' | 'data'>): number {
  if (tensor.datatype === 'BYTES') {
    return (tensor.data as string[]).reduce((n, s) => n + 4 + Buffer.byteLength(s), 0);
  }
  return (tensor.data as Exclude<TensorData, string[]>).byteLength;
}

/** A flat, row-major list nested into the given shape (TF Serving's JSON carries nested lists). */
export function nest(flat: readonly unknown[], shape: readonly number[]): unknown {
  if (shape.length === 0) return flat[0];
  const build = (depth: number, offset: number): unknown[] => {
    const extent = shape[depth]!;
    if (depth === shape.length - 1) return flat.slice(offset, offset + extent);
    const stride = elementCount(shape.slice(depth + 1));
    return Array.from({ length: extent }, (_, index) => build(depth + 1, offset + index * stride));
  };
  return build(0, 0);
}
