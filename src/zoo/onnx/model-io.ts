import type { Datatype, TensorSpec } from '../../core/tensor.js';
import { OnnxDataType, type GraphProto, type TensorProto, type ValueInfoProto } from './onnx-schema.js';

const DATATYPE_BY_ONNX: Record<number, Datatype> = {
  [OnnxDataType.FLOAT]: 'FP32',
  [OnnxDataType.UINT8]: 'UINT8',
  [OnnxDataType.INT8]: 'INT8',
  [OnnxDataType.INT16]: 'INT16',
  [OnnxDataType.INT32]: 'INT32',
  [OnnxDataType.INT64]: 'INT64',
  [OnnxDataType.BOOL]: 'BOOL',
  [OnnxDataType.DOUBLE]: 'FP64',
};

export function datatypeOfOnnx(elemType: number | undefined): Datatype {
  const datatype = DATATYPE_BY_ONNX[elemType ?? 0];
  if (!datatype) throw new Error(`unsupported ONNX element type ${elemType ?? 'undefined'}`);
  return datatype;
}

/** A declared graph input/output as a TensorSpec; symbolic or unknown dims become -1. */
export function tensorSpecOf(info: ValueInfoProto): TensorSpec {
  const tensorType = info.type?.tensorType;
  const dims = tensorType?.shape?.dim ?? [];
  return {
    name: info.name ?? '',
    datatype: datatypeOfOnnx(tensorType?.elemType),
    shape: dims.map((dim) => (typeof dim.dimValue === 'number' && dim.dimValue > 0 ? dim.dimValue : -1)),
  };
}

/** Graph inputs that are real inputs (older exporters also list initializers as inputs). */
export function graphInputs(graph: GraphProto): TensorSpec[] {
  const initializerNames = new Set((graph.initializer ?? []).map((t) => t.name));
  return (graph.input ?? []).filter((info) => !initializerNames.has(info.name)).map(tensorSpecOf);
}

export function graphOutputs(graph: GraphProto): TensorSpec[] {
  return (graph.output ?? []).map(tensorSpecOf);
}

export function tensorElementCount(tensor: TensorProto): number {
  return (tensor.dims ?? []).reduce<number>((n, d) => n * Number(d), 1);
}

const FLOAT_TYPES: ReadonlySet<number> = new Set([OnnxDataType.FLOAT, OnnxDataType.FLOAT16, OnnxDataType.DOUBLE]);

export function isFloatTensor(tensor: TensorProto): boolean {
  return FLOAT_TYPES.has(tensor.dataType ?? 0);
}

/** Numeric values of a (small) tensor, whatever field holds them. */
export function tensorValues(tensor: TensorProto): number[] {
  const count = tensorElementCount(tensor);
  const raw = tensor.rawData;
  if (raw && raw.byteLength > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out: number[] = [];
    switch (tensor.dataType) {
      case OnnxDataType.FLOAT:
        for (let i = 0; i < count; i++) out.push(view.getFloat32(i * 4, true));
        return out;
      case OnnxDataType.DOUBLE:
        for (let i = 0; i < count; i++) out.push(view.getFloat64(i * 8, true));
        return out;
      case OnnxDataType.INT64:
        for (let i = 0; i < count; i++) out.push(Number(view.getBigInt64(i * 8, true)));
        return out;
      case OnnxDataType.INT32:
        for (let i = 0; i < count; i++) out.push(view.getInt32(i * 4, true));
        return out;
      case OnnxDataType.INT8:
        for (let i = 0; i < count; i++) out.push(view.getInt8(i));
        return out;
      case OnnxDataType.UINT8:
      case OnnxDataType.BOOL:
        for (let i = 0; i < count; i++) out.push(view.getUint8(i));
        return out;
      default:
        return [];
    }
  }
  if (tensor.floatData?.length) return tensor.floatData.slice();
  if (tensor.int64Data?.length) return tensor.int64Data.map(Number);
  if (tensor.int32Data?.length) return tensor.int32Data.slice();
  if (tensor.doubleData?.length) return tensor.doubleData.slice();
  return [];
}
