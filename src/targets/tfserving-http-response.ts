/**
 * A TF Serving REST predict response ({"outputs": nested list or {name: nested list}}): parsed and checked
 * against the signature's outputs on every response (names and the shape of the nesting, read along first
 * elements); the values are decoded only when someone reads them.
 */
import type { InferResult, ServerTiming } from '../core/target.js';
import type { Tensor } from '../core/tensor.js';
import type { HttpResponse } from './http-connection.js';
import { badResponse, bodyPreview, checkOutputs, type ExpectedOutput } from './response-check.js';
import { timingFromHeaders } from './server-timing.js';
import { dataFromJson, flattenNested, nestedShape } from './tensor-wire.js';

/** The name TF Serving's single unnamed output gets when the signature is not known. */
const UNNAMED_OUTPUT = 'output';

/** A checked response; throws a bad-response RequestError saying what is wrong otherwise. */
export function tfPredictResult(response: HttpResponse, expected: readonly ExpectedOutput[] | undefined): InferResult {
  const named = namedOutputs(response, expected);
  checkOutputs(
    named.map(([name, nested]) => ({ name, shape: nestedShape(nested) })),
    expected,
  );
  return new TfPredictResult(named, expected ?? [], timingFromHeaders(response.headers));
}

/** A class rather than a literal with a getter: one hidden class for every response keeps the hot path cheap. */
class TfPredictResult implements InferResult {
  readonly #named: readonly [string, unknown][];
  readonly #expected: readonly ExpectedOutput[];
  #outputs: Tensor[] | undefined;

  constructor(
    named: readonly [string, unknown][],
    expected: readonly ExpectedOutput[],
    readonly serverTiming: ServerTiming | undefined,
  ) {
    this.#named = named;
    this.#expected = expected;
  }

  get outputs(): Tensor[] {
    return (this.#outputs ??= decode(this.#named, this.#expected));
  }
}

function namedOutputs(response: HttpResponse, expected: readonly ExpectedOutput[] | undefined): [string, unknown][] {
  let body: { outputs?: unknown; predictions?: unknown } | null;
  try {
    body = JSON.parse(response.body.toString('utf8'));
  } catch (error) {
    throw badResponse(`the predict response is not JSON (${(error as Error).message}): ${bodyPreview(response.body)}`);
  }
  const value = body?.outputs ?? body?.predictions;
  if (value === undefined || value === null) throw badResponse(`the predict response has neither "outputs" nor "predictions": ${bodyPreview(response.body)}`);
  if (typeof value === 'object' && !Array.isArray(value)) return Object.entries(value);
  // A bare list is the only output of the signature.
  if (expected !== undefined && expected.length > 1) throw badResponse(`the predict response has one unnamed output where the model declares ${expected.length}`);
  return [[expected?.[0]?.name ?? UNNAMED_OUTPUT, value]];
}

function decode(named: readonly [string, unknown][], expected: readonly ExpectedOutput[]): Tensor[] {
  return named.map(([name, nested]) => {
    const datatype = expected.find((spec) => spec.name === name)?.datatype ?? 'FP32';
    const { values, shape } = flattenNested(nested);
    return { name, datatype, shape, data: dataFromJson(values, datatype) };
  });
}
