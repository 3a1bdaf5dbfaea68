/**
 * KServe v2 HTTP client: JSON tensors, or (binary) the binary tensor data extension with the JSON header's
 * length in Inference-Header-Content-Length and outputs asked back as binary.
 */
import { ServelabError } from '../core/errors.js';
import type { InferResult, ModelMetadata } from '../core/target.js';
import type { Tensor, TensorSpec } from '../core/tensor.js';
import { buildRequest, errorText, jsonBody, preflightGet } from './http-exchange.js';
import { HttpPool } from './http-pool.js';
import { kserveInferResult } from './kserve-http-response.js';
import { kserveMetadata } from './kserve-metadata.js';
import { DEFAULT_PREFLIGHT_TIMEOUT_MS, tokenFromSignal, type CancelToken, type LoadClient, type PreparedRequest } from './load-client.js';
import { RequestError, httpErrorKind } from './request-error.js';
import type { TargetAddress } from './target-url.js';
import { jsonList, rawBytes } from './tensor-wire.js';

interface KservePrepared extends PreparedRequest {
  readonly payload: Buffer;
}

export interface KserveHttpClientOptions {
  readonly binary: boolean;
  readonly maxConnections?: number;
  /** Limit on each pre-flight request (server check, metadata). */
  readonly preflightTimeoutMs?: number;
}

export function createKserveHttpClient(address: TargetAddress, options: KserveHttpClientOptions): LoadClient {
  const pool = new HttpPool(address.host, address.port, options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections });
  const hostHeader = `${address.host}:${address.port}`;
  const protocol = options.binary ? 'kserve-http-binary' : 'kserve-http';
  const target = address.display;
  const preflightTimeoutMs = options.preflightTimeoutMs ?? DEFAULT_PREFLIGHT_TIMEOUT_MS;
  /** Declared outputs per model, learnt from metadata: every response is checked against them. */
  const outputSpecs = new Map<string, readonly TensorSpec[]>();

  const prepare = (model: string, inputs: readonly Tensor[]): KservePrepared => {
    const path = `/v2/models/${encodeURIComponent(model)}/infer`;
    if (!options.binary) {
      const body = Buffer.from(JSON.stringify({ inputs: inputs.map((t) => ({ name: t.name, shape: t.shape, datatype: t.datatype, data: jsonList(t) })) }));
      const payload = buildRequest('POST', path, hostHeader, { 'content-type': 'application/json' }, body);
      return { model, payload, byteLength: payload.length };
    }
    const parts = inputs.map((tensor) => rawBytes(tensor.data));
    const header = Buffer.from(
      JSON.stringify({
        inputs: inputs.map((t, index) => ({ name: t.name, shape: t.shape, datatype: t.datatype, parameters: { binary_data_size: parts[index]!.length } })),
        parameters: { binary_data_output: true },
      }),
    );
    const body = Buffer.concat([header, ...parts]);
    const headers = { 'content-type': 'application/octet-stream', 'inference-header-content-length': header.length };
    const payload = buildRequest('POST', path, hostHeader, headers, body);
    return { model, payload, byteLength: payload.length };
  };

  const send = async (prepared: PreparedRequest, cancelToken?: CancelToken): Promise<InferResult> => {
    const response = await pool.request((prepared as KservePrepared).payload, cancelToken);
    if (response.status !== 200) {
      throw new RequestError(httpErrorKind(response.status), `HTTP ${response.status}: ${errorText(response)}`, response.status);
    }
    return kserveInferResult(response, outputSpecs.get(prepared.model));
  };

  return {
    protocol,
    target,
    async checkServer() {
      const response = await preflightGet(pool, '/v2', target, 'KServe v2 HTTP', preflightTimeoutMs);
      const body = jsonBody(response) as { name?: unknown; extensions?: unknown } | undefined;
      if (response.status !== 200 || !body || typeof body !== 'object' || !('name' in body || 'extensions' in body)) {
        throw new ServelabError(
          `target ${target} does not speak KServe v2 HTTP: GET /v2 answered ${response.status} ${errorText(response).slice(0, 80)} (is --protocol right?)`,
          'unsupported',
        );
      }
    },
    async metadata(model: string): Promise<ModelMetadata> {
      const response = await preflightGet(pool, `/v2/models/${encodeURIComponent(model)}`, target, 'KServe v2 HTTP', preflightTimeoutMs);
      if (response.status === 404 || response.status === 400) {
        throw new ServelabError(`model '${model}' is not served by ${target}: ${errorText(response)}`, 'not-found');
      }
      if (response.status !== 200) throw new ServelabError(`target ${target}: GET /v2/models/${model} answered ${response.status}: ${errorText(response)}`, 'unavailable');
      const metadata = kserveMetadata(jsonBody(response), model, target);
      outputSpecs.set(model, metadata.outputs);
      return metadata;
    },
    infer: (model, inputs, inferOptions) => send(prepare(model, inputs), tokenFromSignal(inferOptions?.signal)),
    prepare,
    send,
    close: async () => pool.close(),
  };
}
