/**
 * A KServe v2 HTTP inference response: its JSON (or, with the binary extension, its JSON header) is parsed and
 * checked against the model's declared outputs on every response; the output values are decoded only when
 * someone reads them (a load run never does).
 */
import type { InferResult, ServerTiming } from '../core/target.js';
import type { Tensor } from '../core/tensor.js';
import type { HttpResponse } from './http-connection.js';
import { badResponse, bodyPreview, checkOutputs, type ExpectedOutput, type OutputFacts } from './response-check.js';
import { timingFromHeaders, timingFromParameters } from './server-timing.js';
import { dataFromJson, dataFromRaw } from './tensor-wire.js';

interface KserveOutput {
  name: string;
  datatype: Tensor['datatype'];
  shape: number[];
  data?: unknown[];
  parameters?: { binary_data_size?: number };
}

interface KserveBody {
  outputs: KserveOutput[];
  parameters?: Record<string, unknown>;
}

/** A checked response; throws a bad-response RequestError saying what is wrong otherwise. */
export function kserveInferResult(response: HttpResponse, expected: readonly ExpectedOutput[] | undefined): InferResult {
  const { body, binaryStart } = parseBody(response);
  checkOutputs(body.outputs.map(factsOf), expected);
  return new KserveResult(body, response.body, binaryStart, timingFromHeaders(response.headers) ?? timingFromParameters(body.parameters));
}

/** A class rather than a literal with a getter: one hidden class for every response keeps the hot path cheap. */
class KserveResult implements InferResult {
  readonly #body: KserveBody;
  readonly #bytes: Buffer;
  readonly #binaryStart: number;
  #outputs: Tensor[] | undefined;

  constructor(
    body: KserveBody,
    bytes: Buffer,
    binaryStart: number,
    readonly serverTiming: ServerTiming | undefined,
  ) {
    this.#body = body;
    this.#bytes = bytes;
    this.#binaryStart = binaryStart;
  }

  get outputs(): Tensor[] {
    return (this.#outputs ??= decodeOutputs(this.#body, this.#bytes, this.#binaryStart));
  }
}

function parseBody(response: HttpResponse): { body: KserveBody; binaryStart: number } {
  const bytes = response.body;
  const headerLength = response.headers['inference-header-content-length'];
  const jsonEnd = headerLength === undefined ? bytes.length : Number(headerLength);
  if (!Number.isInteger(jsonEnd) || jsonEnd < 0 || jsonEnd > bytes.length) {
    throw badResponse(`Inference-Header-Content-Length ${headerLength} does not fit a body of ${bytes.length} bytes`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8', 0, jsonEnd));
  } catch (error) {
    const type = response.headers['content-type'];
    throw badResponse(`the response is not KServe v2 JSON (${(error as Error).message}${type ? `; content-type ${type}` : ''}): ${bodyPreview(bytes)}`);
  }
  const outputs = (parsed as { outputs?: unknown } | null)?.outputs;
  if (!Array.isArray(outputs)) throw badResponse(`the response has no "outputs" list: ${bodyPreview(bytes)}`);
  let binaryBytes = 0;
  for (let index = 0; index < outputs.length; index++) {
    const output = outputs[index] as KserveOutput | null;
    if (typeof output !== 'object' || output === null) throw badResponse(`output ${index} is not an object`);
    const size = output.parameters?.binary_data_size;
    if (size === undefined) {
      if (!Array.isArray(output.data)) throw badResponse(`output '${String(output.name)}' has neither "data" nor a binary_data_size`);
    } else if (!Number.isInteger(size) || size < 0) {
      throw badResponse(`output '${String(output.name)}' has binary_data_size ${JSON.stringify(size)}`);
    } else binaryBytes += size;
  }
  if (jsonEnd + binaryBytes !== bytes.length) {
    throw badResponse(`binary outputs declare ${binaryBytes} bytes but the body holds ${bytes.length - jsonEnd} after its JSON header`);
  }
  return { body: parsed as KserveBody, binaryStart: jsonEnd };
}

function factsOf(output: KserveOutput): OutputFacts {
  const size = output.parameters?.binary_data_size;
  return { name: output.name, datatype: output.datatype, shape: output.shape, valueCount: size === undefined ? valueCount(output.data!) : undefined, byteLength: size };
}

/** Values in a (normally flat) JSON data list; nested lists are counted through. */
function valueCount(data: readonly unknown[]): number {
  return data.length > 0 && Array.isArray(data[0]) ? data.flat(Infinity).length : data.length;
}

function decodeOutputs(body: KserveBody, bytes: Buffer, binaryStart: number): Tensor[] {
  let offset = binaryStart;
  return body.outputs.map((output): Tensor => {
    const size = output.parameters?.binary_data_size;
    if (size !== undefined) {
      const raw = bytes.subarray(offset, offset + size);
      offset += size;
      return { name: output.name, datatype: output.datatype, shape: output.shape, data: dataFromRaw(raw, output.datatype, output.shape) };
    }
    return { name: output.name, datatype: output.datatype, shape: output.shape, data: dataFromJson((output.data ?? []).flat(Infinity), output.datatype) };
  });
}
