import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { ServelabError } from '../../core/errors.js';
import type { ModelCard, Modality } from '../../core/model-card.js';
import type { TensorSpec } from '../../core/tensor.js';
import { countModelCost, type ModelCost } from '../onnx/cost-counter.js';
import { graphInputs, graphOutputs } from '../onnx/model-io.js';
import { decodeModel, type ModelProto } from '../onnx/onnx-schema.js';

export interface InspectedModel {
  readonly inputs: TensorSpec[];
  readonly outputs: TensorSpec[];
  readonly proto: ModelProto;
}

/** Reads and decodes an .onnx file; a missing, empty or malformed file is a one-line ServelabError. */
export function readOnnxFile(path: string): InspectedModel {
  let bytes: Buffer;
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    bytes = readFileSync(path);
  } catch {
    throw new ServelabError(`model file '${path}' does not exist or is not readable: expected an ONNX model file`, 'not-found');
  }
  const corrupt = (why: string): ServelabError =>
    new ServelabError(`model file '${path}' is not a valid ONNX model (${why}): expected a serialized onnx.ModelProto`, 'invalid-input');
  if (bytes.byteLength === 0) throw corrupt('empty file');
  let proto: ModelProto;
  try {
    proto = decodeModel(bytes);
  } catch (error) {
    throw corrupt(error instanceof Error ? error.message.split('\n')[0] ?? 'decode failed' : 'decode failed');
  }
  const graph = proto.graph;
  if (!graph || !(graph.node?.length) || !(graph.output?.length)) throw corrupt('no graph with nodes and outputs');
  try {
    return { inputs: graphInputs(graph), outputs: graphOutputs(graph), proto };
  } catch (error) {
    // The file is a model, but an input or output has a type servelab's tensors cannot carry (e.g. float16).
    const why = error instanceof Error ? error.message : String(error);
    throw new ServelabError(`model file '${path}' has an input or output servelab cannot serve (${why}): expected BOOL, (U)INT8, INT16/32/64, FP32 or FP64`, 'unsupported');
  }
}

/** Per-sample input shapes (batch axis excluded): declared dims where fixed, a guess by modality where dynamic. */
export function guessDefaultShapes(inputs: readonly TensorSpec[]): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const input of inputs) {
    const perSample = input.shape.slice(1);
    const isImage = perSample.length === 3;
    shapes[input.name] = perSample.map((d, axis) => (d > 0 ? d : isImage && axis > 0 ? 224 : isImage ? 3 : 64));
  }
  return shapes;
}

/** Concrete batch-1 shapes from per-sample shapes (batch axis first; scalars stay scalars). */
export function batchOneShapes(inputs: readonly TensorSpec[], perSample: Readonly<Record<string, readonly number[]>>): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const input of inputs) {
    const sample = perSample[input.name] ?? [];
    shapes[input.name] = input.shape.length === 0 ? [] : input.shape.length === sample.length ? [...sample] : [1, ...sample];
  }
  return shapes;
}

export function costAt(
  inspected: InspectedModel,
  perSample: Readonly<Record<string, readonly number[]>>,
  inputValues?: Readonly<Record<string, readonly number[]>>,
): ModelCost {
  return countModelCost(inspected.proto, batchOneShapes(inspected.inputs, perSample), inputValues);
}

/** A card for a user's .onnx file, everything derived from the file itself. */
export function cardFromFile(path: string): ModelCard {
  const inspected = readOnnxFile(path);
  const defaultInputShapes = guessDefaultShapes(inspected.inputs);
  const cost = costAt(inspected, defaultInputShapes);
  const first = inspected.inputs[0];
  const modality: Modality = first && first.datatype === 'INT64' ? 'text' : first && first.shape.length === 4 ? 'image' : 'time-series';
  const producer = [inspected.proto.producerName, inspected.proto.producerVersion].filter(Boolean).join(' ');
  const partial = cost.uncounted.length > 0 ? `; FLOPs exclude ops whose shapes could not be inferred: ${cost.uncounted.join(', ')}` : '';
  return {
    name: basename(path, '.onnx'),
    task: 'unknown (user model)',
    modality,
    description: `user model from ${path}${producer ? ` (produced by ${producer})` : ''}; card derived by introspection, modality guessed from its inputs${partial}`,
    source: path,
    licence: 'unknown',
    weights: 'pretrained',
    inputs: inspected.inputs,
    outputs: inspected.outputs,
    params: cost.params,
    flops: cost.flops,
    defaultInputShapes,
  };
}
