/**
 * The check every inference response passes before it counts as a success: outputs named, typed and shaped as
 * the model's metadata declares, holding as many values (or bytes) as their shapes say. Values themselves are
 * not read: this runs on the load generator's hot path, once per response, so it costs O(outputs).
 */
import { BYTES_PER_ELEMENT, isDatatype, shapeFits, type TensorSpec } from '../core/tensor.js';
import { RequestError } from './request-error.js';

/** The error kind of a response that arrived but is not a valid answer to the request. */
export const BAD_RESPONSE = 'bad-response';

/** A declared output; a null shape when the server declares no rank (TF Serving's unknown_rank). */
export type ExpectedOutput = Pick<TensorSpec, 'name' | 'datatype'> & { readonly shape: readonly number[] | null };

/** What a client read of one output without decoding its values. */
export interface OutputFacts {
  readonly name: unknown;
  /** Absent where the wire format carries no datatype (TF Serving JSON). */
  readonly datatype?: unknown;
  readonly shape: unknown;
  /** Values found (JSON lists, typed gRPC contents), when counted. */
  readonly valueCount?: number | undefined;
  /** Raw bytes found (binary extension, gRPC raw contents), when the values came as raw bytes. */
  readonly byteLength?: number | undefined;
}

export function badResponse(message: string): RequestError {
  return new RequestError(BAD_RESPONSE, message);
}

/** The start of a body for messages about it, e.g. "<html><body>Gateway..." */
export function bodyPreview(body: Buffer | string, chars = 60): string {
  const text = typeof body === 'string' ? body.slice(0, chars) : body.toString('utf8', 0, Math.min(body.length, chars));
  return text.length === 0 ? '(empty body)' : JSON.stringify(text);
}

/**
 * Throws a bad-response RequestError naming the first problem. With no expected outputs (metadata not fetched
 * or not declared) only each output's own consistency is checked.
 */
export function checkOutputs(outputs: readonly OutputFacts[], expected: readonly ExpectedOutput[] | undefined): void {
  if (outputs.length === 0) throw badResponse('the response has no outputs');
  const declared = expected !== undefined && expected.length > 0 ? expected : undefined;
  for (let index = 0; index < outputs.length; index++) {
    const output = outputs[index]!;
    const name = output.name;
    if (typeof name !== 'string') throw badResponse(`output ${index} has no name`);
    const { datatype, shape } = output;
    if (datatype !== undefined && !isDatatype(datatype)) throw badResponse(`output '${name}' has datatype ${JSON.stringify(datatype)}, not a KServe v2 datatype`);
    if (!isShape(shape)) throw badResponse(`output '${name}' has shape ${JSON.stringify(shape)}, not a list of sizes`);
    const count = shape.reduce((product, size) => product * size, 1);
    if (output.valueCount !== undefined && output.valueCount !== count) {
      throw badResponse(`output '${name}' holds ${output.valueCount} values where its shape ${formatShape(shape)} needs ${count}`);
    }
    if (output.byteLength !== undefined && datatype !== undefined && datatype !== 'BYTES') {
      const needed = count * BYTES_PER_ELEMENT[datatype as keyof typeof BYTES_PER_ELEMENT];
      if (output.byteLength !== needed) {
        throw badResponse(`output '${name}' has ${output.byteLength} bytes where ${String(datatype)} ${formatShape(shape)} takes ${needed}`);
      }
    }
    for (let earlier = 0; earlier < index; earlier++) {
      if (outputs[earlier]!.name === name) throw badResponse(`output '${name}' appears twice`);
    }
    if (!declared) continue;
    const spec = declared.find((candidate) => candidate.name === name);
    if (!spec) throw badResponse(`output '${name}' is not an output of the model (it declares ${namesOf(declared)})`);
    if (datatype !== undefined && datatype !== spec.datatype) throw badResponse(`output '${name}' is ${String(datatype)} where the model declares ${spec.datatype}`);
    if (spec.shape && !shapeFits(shape, spec.shape)) {
      throw badResponse(`output '${name}' has shape ${formatShape(shape)} where the model declares ${formatShape(spec.shape)}`);
    }
  }
  // Every name is declared and none repeats, so fewer outputs than declared means some are missing.
  if (declared && outputs.length < declared.length) {
    const missing = declared.filter((spec) => !outputs.some((output) => output.name === spec.name));
    throw badResponse(`the response lacks output${missing.length > 1 ? 's' : ''} ${namesOf(missing)} that the model declares`);
  }
}

function isShape(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((size) => Number.isInteger(size) && size >= 0);
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function namesOf(specs: readonly { name: string }[]): string {
  return specs.map((spec) => `'${spec.name}'`).join(', ');
}
