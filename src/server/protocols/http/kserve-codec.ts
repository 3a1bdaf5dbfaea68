import { ServelabError } from '../../../core/errors.js';
import { isDatatype, type Datatype, type Tensor, type TensorData } from '../../../core/tensor.js';
import type { InferOutcome } from '../../served-model.js';
import { bytesFromTyped, flatten, jsonFromTyped, typedFromBytes, typedFromJson } from '../json-tensors.js';
import { parseRequestJson } from '../json-depth.js';
import { timingParameters } from '../timing.js';

/** KServe v2 HTTP request/response bodies: JSON tensors, and the binary tensor data extension. */

export interface KserveInferRequest {
  readonly id?: string;
  readonly inputs: Tensor[];
  /** Output names asked for (all when absent). */
  readonly outputs?: string[];
  /** Output names to return as binary data (binary_data_output or per-output binary_data). */
  readonly binaryOutputs: ReadonlySet<string> | 'all';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An input as the request's JSON describes it: its data inline, or the size of its part of the binary payload. */
export type KserveInputHead =
  | { readonly name: string; readonly datatype: Datatype; readonly shape: number[]; readonly data: TensorData }
  | { readonly name: string; readonly datatype: Datatype; readonly shape: number[]; readonly binarySize: number };

/** The JSON part of a KServe v2 infer request, parsed once: binary inputs still lack their data. */
export interface KserveInferHeader extends Omit<KserveInferRequest, 'inputs'> {
  readonly heads: KserveInputHead[];
}

/** Label of an input in error messages. */
export const inputLabel = (name: string): string => `input '${name}'`;

/**
 * Parses the JSON of a KServe v2 infer request. `binary`: the request has the Inference-Header-Content-Length
 * header, so inputs may give a binary_data_size instead of data.
 */
export function parseKserveHeader(json: Uint8Array, binary: boolean): KserveInferHeader {
  const parsed = parseRequestJson(json);
  if (!isRecord(parsed)) throw new ServelabError('request body must be a JSON object with an "inputs" array');
  if (!Array.isArray(parsed.inputs) || parsed.inputs.length === 0) {
    throw new ServelabError('request body must have a non-empty "inputs" array of {name, shape, datatype, data}');
  }
  const heads = parsed.inputs.map((raw, index): KserveInputHead => {
    const where = `inputs[${index}]`;
    if (!isRecord(raw)) throw new ServelabError(`${where} must be an object {name, shape, datatype, data}`);
    const { name, shape, datatype, data, parameters } = raw;
    if (typeof name !== 'string' || name === '') throw new ServelabError(`${where}.name must be a non-empty string`);
    const label = inputLabel(name);
    if (!Array.isArray(shape) || !shape.every((extent) => Number.isInteger(extent) && (extent as number) >= 0)) {
      throw new ServelabError(`${label}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    if (!isDatatype(datatype)) throw new ServelabError(`${label}: unknown datatype ${JSON.stringify(datatype)}`);
    const binarySize = isRecord(parameters) ? parameters.binary_data_size : undefined;
    if (binarySize !== undefined) {
      if (!binary) throw new ServelabError(`${label} has binary_data_size but the request lacks the Inference-Header-Content-Length header`);
      if (!Number.isInteger(binarySize) || (binarySize as number) < 0) throw new ServelabError(`${label}: binary_data_size must be a non-negative integer`);
      return { name, datatype, shape: shape as number[], binarySize: binarySize as number };
    }
    if (data === undefined) throw new ServelabError(`${label} has neither "data" nor a binary_data_size parameter`);
    return { name, datatype, shape: shape as number[], data: typedFromJson(flatten(data, label), datatype, label) };
  });
  const requestAll = isRecord(parsed.parameters) && parsed.parameters.binary_data_output === true;
  let outputs: string[] | undefined;
  const binaryNames = new Set<string>();
  if (parsed.outputs !== undefined) {
    if (!Array.isArray(parsed.outputs)) throw new ServelabError('"outputs" must be an array of {name}');
    outputs = parsed.outputs.map((raw, index) => {
      if (!isRecord(raw) || typeof raw.name !== 'string') throw new ServelabError(`outputs[${index}] must be an object with a "name"`);
      if (isRecord(raw.parameters) && raw.parameters.binary_data === true) binaryNames.add(raw.name);
      return raw.name;
    });
  }
  return {
    ...(typeof parsed.id === 'string' ? { id: parsed.id } : {}),
    heads,
    ...(outputs ? { outputs } : {}),
    binaryOutputs: requestAll ? 'all' : binaryNames,
  };
}

/** The error for a binary part that runs past the end of the body. */
export function truncatedBinaryError(name: string, binarySize: number, endByte: number, bodyBytes: number): ServelabError {
  return new ServelabError(`${inputLabel(name)}: binary data truncated: binary_data_size ${binarySize} needs bytes up to ${endByte}, but the body has ${bodyBytes}`);
}

/** The error for bytes after the last binary part. */
export function extraBinaryError(extraBytes: number): ServelabError {
  return new ServelabError(`binary payload has ${extraBytes} bytes beyond the inputs' binary_data_size total`);
}

/** The error for an Inference-Header-Content-Length longer than the body. */
export function headerLengthError(headerLength: number, bodyBytes: number): ServelabError {
  return new ServelabError(`Inference-Header-Content-Length ${headerLength} does not fit a body of ${bodyBytes} bytes (truncated binary payload?)`);
}

/** Parses a whole KServe v2 infer body; headerLength is Inference-Header-Content-Length when binary data follows. */
export function parseKserveInfer(body: Buffer, headerLength: number | undefined): KserveInferRequest {
  if (headerLength !== undefined && (!Number.isInteger(headerLength) || headerLength < 0 || headerLength > body.length)) {
    throw headerLengthError(headerLength, body.length);
  }
  const jsonEnd = headerLength ?? body.length;
  const { heads, ...rest } = parseKserveHeader(body.subarray(0, jsonEnd), headerLength !== undefined);
  let binaryOffset = jsonEnd;
  const inputs = heads.map((head): Tensor => {
    if ('data' in head) return head;
    const end = binaryOffset + head.binarySize;
    if (end > body.length) throw truncatedBinaryError(head.name, head.binarySize, end, body.length);
    const bytes = body.subarray(binaryOffset, end);
    binaryOffset = end;
    return { name: head.name, datatype: head.datatype, shape: head.shape, data: typedFromBytes(bytes, head.datatype, head.shape, inputLabel(head.name)) };
  });
  if (headerLength !== undefined && binaryOffset !== body.length) throw extraBinaryError(body.length - binaryOffset);
  return { ...rest, inputs };
}

/** Keeps the requested outputs (all when none were named), rejecting unknown names. */
export function selectOutputs(outputs: readonly Tensor[], wanted: readonly string[] | undefined, model: string): Tensor[] {
  if (!wanted || wanted.length === 0) return [...outputs];
  return wanted.map((name) => {
    const found = outputs.find((tensor) => tensor.name === name);
    if (!found) throw new ServelabError(`model '${model}' has no output '${name}'; its outputs are: ${outputs.map((t) => t.name).join(', ')}`);
    return found;
  });
}

export interface EncodedResponse {
  /** The JSON head, then each binary output's bytes as views of the output tensors (written as they are, not concatenated). */
  readonly parts: readonly Uint8Array[];
  readonly byteLength: number;
  /** Set when binary output data follows the JSON header. */
  readonly headerLength?: number;
  readonly serializeUs: number;
}

/** Encodes a KServe v2 response, JSON or JSON + binary outputs; timing goes into the response parameters. */
export function encodeKserveInfer(model: string, request: Omit<KserveInferRequest, 'inputs'>, outcome: InferOutcome): EncodedResponse {
  const startedNs = process.hrtime.bigint();
  const selected = selectOutputs(outcome.outputs, request.outputs, model);
  const binaryParts: Uint8Array[] = [];
  let binaryBytes = 0;
  const outputsJson = JSON.stringify(
    selected.map((tensor) => {
      const asBinary = request.binaryOutputs === 'all' || request.binaryOutputs.has(tensor.name);
      const head = { name: tensor.name, datatype: tensor.datatype, shape: tensor.shape };
      if (!asBinary) return { ...head, data: jsonFromTyped(tensor.data, tensor.datatype) };
      const bytes = bytesFromTyped(tensor.data);
      binaryParts.push(bytes);
      binaryBytes += bytes.byteLength;
      return { ...head, parameters: { binary_data_size: bytes.byteLength } };
    }),
  );
  const serializeUs = Number(process.hrtime.bigint() - startedNs) / 1000;
  const parameters = timingParameters({ ...outcome.timing, serializeUs });
  const head = `{"model_name":${JSON.stringify(model)},"model_version":"1",${request.id !== undefined ? `"id":${JSON.stringify(request.id)},` : ''}"parameters":${JSON.stringify(parameters)},"outputs":${outputsJson}}`;
  const headBuffer = Buffer.from(head);
  if (binaryParts.length === 0) return { parts: [headBuffer], byteLength: headBuffer.length, serializeUs };
  return { parts: [headBuffer, ...binaryParts], byteLength: headBuffer.length + binaryBytes, headerLength: headBuffer.length, serializeUs };
}
