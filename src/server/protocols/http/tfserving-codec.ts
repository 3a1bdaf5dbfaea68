import { ServelabError } from '../../../core/errors.js';
import { type Datatype, type Tensor, type TensorSpec } from '../../../core/tensor.js';
import type { ModelMetadata } from '../../../core/target.js';
import { parseRequestJson } from '../json-depth.js';
import { nest } from '../../../core/tensor.js';
import { flatten, jsonFromTyped, nestedShape, typedFromJson } from '../json-tensors.js';

/** TensorFlow Serving REST predict API: row ("instances") and columnar ("inputs") request formats. */

export type PredictFormat = 'row' | 'columnar';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isBinaryValue(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === 'b64';
}

function tensorFrom(name: string, datatype: Datatype, value: unknown): Tensor {
  const label = `input '${name}'`;
  const shape = nestedShape(value, label);
  return { name, datatype, shape, data: typedFromJson(flatten(value, label), datatype, label) };
}

export function parseTfPredict(body: Buffer, inputs: readonly TensorSpec[]): { inputs: Tensor[]; format: PredictFormat } {
  const parsed = parseRequestJson(body);
  if (!isRecord(parsed)) throw new ServelabError('request body must be a JSON object with "instances" or "inputs"');
  const datatypeOf = (name: string): Datatype => {
    const spec = inputs.find((candidate) => candidate.name === name);
    if (!spec) throw new ServelabError(`model has no input '${name}'; its inputs are: ${inputs.map((i) => i.name).join(', ')}`);
    return spec.datatype;
  };
  const single = inputs.length === 1 ? inputs[0]! : undefined;
  if ('instances' in parsed) {
    const instances = parsed.instances;
    if (!Array.isArray(instances) || instances.length === 0) throw new ServelabError('"instances" must be a non-empty array (one element per row)');
    // {"b64": "..."} is a binary value, not an object keyed by input name.
    const named = instances.every((instance) => isRecord(instance) && !isBinaryValue(instance));
    if (!named) {
      if (!single) throw new ServelabError(`the model has ${inputs.length} inputs: each instance must be an object keyed by input name`);
      return { inputs: [tensorFrom(single.name, single.datatype, instances)], format: 'row' };
    }
    const names = Object.keys(instances[0] as Record<string, unknown>);
    const tensors = names.map((name) => {
      const column = (instances as Record<string, unknown>[]).map((instance, row) => {
        if (!(name in instance)) throw new ServelabError(`instances[${row}] lacks input '${name}' (every instance needs the same keys)`);
        return instance[name];
      });
      return tensorFrom(name, datatypeOf(name), column);
    });
    return { inputs: tensors, format: 'row' };
  }
  if ('inputs' in parsed) {
    const value = parsed.inputs;
    if (isRecord(value) && !isBinaryValue(value)) {
      return { inputs: Object.entries(value).map(([name, column]) => tensorFrom(name, datatypeOf(name), column)), format: 'columnar' };
    }
    if (!single) throw new ServelabError(`the model has ${inputs.length} inputs: "inputs" must be an object keyed by input name`);
    return { inputs: [tensorFrom(single.name, single.datatype, value)], format: 'columnar' };
  }
  throw new ServelabError('request body must have "instances" (row format) or "inputs" (columnar format)');
}

export function encodeTfPredict(outputs: readonly Tensor[], format: PredictFormat): string {
  const nested = outputs.map((tensor) => ({ name: tensor.name, value: nest(jsonFromTyped(tensor.data, tensor.datatype), tensor.shape) }));
  if (format === 'columnar') {
    if (nested.length === 1) return JSON.stringify({ outputs: nested[0]!.value });
    return JSON.stringify({ outputs: Object.fromEntries(nested.map(({ name, value }) => [name, value])) });
  }
  if (nested.length === 1) return JSON.stringify({ predictions: nested[0]!.value });
  const rows = outputs[0]?.shape[0] ?? 0;
  const predictions = Array.from({ length: rows }, (_, row) =>
    Object.fromEntries(nested.map(({ name, value }) => [name, Array.isArray(value) ? value[row] : value])),
  );
  return JSON.stringify({ predictions });
}

export function tfModelStatus(): unknown {
  return { model_version_status: [{ version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } }] };
}

const TF_DTYPE: Record<Datatype, string> = {
  BOOL: 'DT_BOOL',
  UINT8: 'DT_UINT8',
  INT8: 'DT_INT8',
  INT16: 'DT_INT16',
  INT32: 'DT_INT32',
  INT64: 'DT_INT64',
  FP32: 'DT_FLOAT',
  FP64: 'DT_DOUBLE',
  BYTES: 'DT_STRING',
};

export function tfModelMetadata(metadata: ModelMetadata): unknown {
  const tensorInfo = (specs: readonly TensorSpec[]): Record<string, unknown> =>
    Object.fromEntries(
      specs.map((spec) => [
        spec.name,
        { name: spec.name, dtype: TF_DTYPE[spec.datatype], tensor_shape: { dim: spec.shape.map((size) => ({ size: String(size), name: '' })), unknown_rank: false } },
      ]),
    );
  return {
    model_spec: { name: metadata.name, signature_name: '', version: '1' },
    metadata: {
      signature_def: {
        signature_def: {
          serving_default: { inputs: tensorInfo(metadata.inputs), outputs: tensorInfo(metadata.outputs), method_name: 'tensorflow/serving/predict' },
        },
      },
    },
  };
}
