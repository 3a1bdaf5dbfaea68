/** KServe v2 model metadata (HTTP JSON and gRPC share the shape) as servelab's ModelMetadata. */
import { ServelabError } from '../core/errors.js';
import type { ModelMetadata } from '../core/target.js';
import { isDatatype, type TensorSpec } from '../core/tensor.js';

export function kserveMetadata(raw: unknown, model: string, target: string): ModelMetadata {
  const record = raw as { name?: unknown; platform?: unknown; versions?: unknown; inputs?: unknown; outputs?: unknown } | undefined;
  if (!record || typeof record !== 'object' || !Array.isArray(record.inputs)) {
    throw new ServelabError(`target ${target} answered model metadata for '${model}' without an "inputs" list; not a KServe v2 server?`, 'unsupported');
  }
  return {
    name: typeof record.name === 'string' ? record.name : model,
    platform: typeof record.platform === 'string' ? record.platform : '',
    versions: Array.isArray(record.versions) ? record.versions.map(String) : [],
    inputs: specs(record.inputs, 'input', model, target),
    outputs: Array.isArray(record.outputs) ? specs(record.outputs, 'output', model, target) : [],
  };
}

function specs(list: unknown[], what: string, model: string, target: string): TensorSpec[] {
  return list.map((item, index) => {
    const spec = item as { name?: unknown; datatype?: unknown; shape?: unknown };
    if (typeof spec?.name !== 'string' || !isDatatype(spec.datatype) || !Array.isArray(spec.shape)) {
      throw new ServelabError(`target ${target}: ${what} ${index} of model '${model}' is not {name, datatype, shape}: ${JSON.stringify(item)}`, 'unsupported');
    }
    return { name: spec.name, datatype: spec.datatype, shape: spec.shape.map(Number) };
  });
}
