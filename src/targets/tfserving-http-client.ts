/**
 * TensorFlow Serving REST client: POST /v1/models/NAME:predict in the columnar format ({"inputs": {name:
 * nested list}}), metadata from GET /v1/models/NAME/metadata (the serving_default signature).
 */
import { ServelabError } from '../core/errors.js';
import type { InferResult, ModelMetadata } from '../core/target.js';
import type { Datatype, Tensor, TensorSpec } from '../core/tensor.js';
import { buildRequest, errorText, jsonBody, preflightGet } from './http-exchange.js';
import { HttpPool } from './http-pool.js';
import { DEFAULT_PREFLIGHT_TIMEOUT_MS, tokenFromSignal, type CancelToken, type LoadClient, type PreparedRequest } from './load-client.js';
import { RequestError, httpErrorKind } from './request-error.js';
import type { ExpectedOutput } from './response-check.js';
import type { TargetAddress } from './target-url.js';
import { nestedList } from './tensor-wire.js';
import { tfPredictResult } from './tfserving-http-response.js';

const DATATYPE_OF_TF: Record<string, Datatype> = {
  DT_BOOL: 'BOOL',
  DT_UINT8: 'UINT8',
  DT_INT8: 'INT8',
  DT_INT16: 'INT16',
  DT_INT32: 'INT32',
  DT_INT64: 'INT64',
  DT_FLOAT: 'FP32',
  DT_DOUBLE: 'FP64',
  DT_STRING: 'BYTES',
};

interface TfPrepared extends PreparedRequest {
  readonly payload: Buffer;
}

export function createTfServingHttpClient(address: TargetAddress, options: { maxConnections?: number; preflightTimeoutMs?: number } = {}): LoadClient {
  const pool = new HttpPool(address.host, address.port, options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections });
  const hostHeader = `${address.host}:${address.port}`;
  const target = address.display;
  /** Declared outputs per model, learnt from metadata: every response is checked against them. */
  const outputSpecs = new Map<string, readonly ExpectedOutput[]>();

  const prepare = (model: string, inputs: readonly Tensor[]): TfPrepared => {
    const body = Buffer.from(JSON.stringify({ inputs: Object.fromEntries(inputs.map((tensor) => [tensor.name, nestedList(tensor)])) }));
    const path = `/v1/models/${encodeURIComponent(model)}:predict`;
    const payload = buildRequest('POST', path, hostHeader, { 'content-type': 'application/json' }, body);
    return { model, payload, byteLength: payload.length };
  };

  const send = async (prepared: PreparedRequest, cancelToken?: CancelToken): Promise<InferResult> => {
    const response = await pool.request((prepared as TfPrepared).payload, cancelToken);
    if (response.status !== 200) throw new RequestError(httpErrorKind(response.status), `HTTP ${response.status}: ${errorText(response)}`, response.status);
    return tfPredictResult(response, outputSpecs.get(prepared.model));
  };

  return {
    protocol: 'tfserving-http',
    target,
    // TF Serving has no server-level endpoint; metadata() tells a wrong protocol from an unknown model.
    checkServer: async () => {},
    async metadata(model: string): Promise<ModelMetadata> {
      const path = `/v1/models/${encodeURIComponent(model)}/metadata`;
      const response = await preflightGet(pool, path, target, 'TF Serving REST', options.preflightTimeoutMs ?? DEFAULT_PREFLIGHT_TIMEOUT_MS);
      const body = jsonBody(response) as { error?: unknown; metadata?: unknown; model_spec?: { name?: unknown; version?: unknown } } | undefined;
      if (body === undefined) {
        throw new ServelabError(`target ${target} does not speak TF Serving REST: GET ${path} answered ${response.status} without JSON (is --protocol right?)`, 'unsupported');
      }
      if (response.status === 404 || (response.status >= 400 && typeof body.error === 'string')) {
        throw new ServelabError(`model '${model}' is not served by ${target}: ${errorText(response)}`, 'not-found');
      }
      const signature = (body.metadata as { signature_def?: { signature_def?: Record<string, { inputs?: unknown; outputs?: unknown }> } } | undefined)
        ?.signature_def?.signature_def?.serving_default;
      if (!signature) throw new ServelabError(`target ${target}: metadata of '${model}' has no serving_default signature`, 'unsupported');
      const metadata: ModelMetadata = {
        name: typeof body.model_spec?.name === 'string' ? body.model_spec.name : model,
        platform: 'tensorflow',
        versions: body.model_spec?.version === undefined ? [] : [String(body.model_spec.version)],
        inputs: tfSpecs(signature.inputs, model, target),
        outputs: tfSpecs(signature.outputs, model, target),
      };
      outputSpecs.set(model, expectedOutputs(signature.outputs, metadata.outputs));
      return metadata;
    },
    infer: (model, inputs, inferOptions) => send(prepare(model, inputs), tokenFromSignal(inferOptions?.signal)),
    prepare,
    send,
    close: async () => pool.close(),
  };
}

function tfSpecs(raw: unknown, model: string, target: string): TensorSpec[] {
  if (!raw || typeof raw !== 'object') return [];
  return Object.entries(raw as Record<string, { dtype?: string; tensor_shape?: { dim?: { size?: string | number }[]; unknown_rank?: boolean } }>).map(
    ([name, info]) => {
      const datatype = DATATYPE_OF_TF[info.dtype ?? ''];
      if (!datatype) throw new ServelabError(`target ${target}: tensor '${name}' of '${model}' has unsupported dtype ${String(info.dtype)}`, 'unsupported');
      return { name, datatype, shape: (info.tensor_shape?.dim ?? []).map((dim) => Number(dim.size ?? -1)) };
    },
  );
}

/** The declared outputs to check responses against; an output of unknown rank has no shape to check. */
function expectedOutputs(raw: unknown, specs: readonly TensorSpec[]): ExpectedOutput[] {
  const info = (raw ?? {}) as Record<string, { tensor_shape?: { unknown_rank?: boolean } }>;
  return specs.map((spec) => (info[spec.name]?.tensor_shape?.unknown_rank ? { ...spec, shape: null } : spec));
}
