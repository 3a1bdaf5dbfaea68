/**
 * KServe v2 HTTP client: JSON tensors, or (binary) the binary tensor data extension with the JSON header's
 * length in Inference-Header-Content-Length and outputs asked back as binary.
 */
import { ServelabError } from '../core/errors.js';
import type { InferResult, ModelMetadata } from '../core/target.js';
import type { Tensor } from '../core/tensor.js';
import type { HttpResponse } from './http-connection.js';
import { buildRequest, errorText, jsonBody, preflightGet } from './http-exchange.js';
import { HttpPool } from './http-pool.js';
import { kserveMetadata } from './kserve-metadata.js';
import { tokenFromSignal, type CancelToken, type LoadClient, type PreparedRequest } from './load-client.js';
import { RequestError, httpErrorKind } from './request-error.js';
import { timingFromHeaders, timingFromParameters } from './server-timing.js';
import type { TargetAddress } from './target-url.js';
import { dataFromJson, dataFromRaw, jsonList, rawBytes } from './tensor-wire.js';

interface KservePrepared extends PreparedRequest {
  readonly payload: Buffer;
}

interface KserveOutput {
  name: string;
  datatype: Tensor['datatype'];
  shape: number[];
  data?: unknown[];
  parameters?: { binary_data_size?: number };
}

export interface KserveHttpClientOptions {
  readonly binary: boolean;
  readonly maxConnections?: number;
}

export function createKserveHttpClient(address: TargetAddress, options: KserveHttpClientOptions): LoadClient {
  const pool = new HttpPool(address.host, address.port, options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections });
  const hostHeader = `${address.host}:${address.port}`;
  const protocol = options.binary ? 'kserve-http-binary' : 'kserve-http';
  const target = address.display;

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
    return inferResult(response);
  };

  return {
    protocol,
    target,
    async checkServer() {
      const response = await preflightGet(pool, '/v2', target, 'KServe v2 HTTP');
      const body = jsonBody(response) as { name?: unknown; extensions?: unknown } | undefined;
      if (response.status !== 200 || !body || typeof body !== 'object' || !('name' in body || 'extensions' in body)) {
        throw new ServelabError(
          `target ${target} does not speak KServe v2 HTTP: GET /v2 answered ${response.status} ${errorText(response).slice(0, 80)} (is --protocol right?)`,
          'unsupported',
        );
      }
    },
    async metadata(model: string): Promise<ModelMetadata> {
      const response = await preflightGet(pool, `/v2/models/${encodeURIComponent(model)}`, target, 'KServe v2 HTTP');
      if (response.status === 404 || response.status === 400) {
        throw new ServelabError(`model '${model}' is not served by ${target}: ${errorText(response)}`, 'not-found');
      }
      if (response.status !== 200) throw new ServelabError(`target ${target}: GET /v2/models/${model} answered ${response.status}: ${errorText(response)}`, 'unavailable');
      return kserveMetadata(jsonBody(response), model, target);
    },
    infer: (model, inputs, inferOptions) => send(prepare(model, inputs), tokenFromSignal(inferOptions?.signal)),
    prepare,
    send,
    close: async () => pool.close(),
  };
}

/** Timing from headers at once; outputs decoded only when someone reads them (a load run never does). */
function inferResult(response: HttpResponse): InferResult {
  let headerTiming = timingFromHeaders(response.headers);
  let decoded: { outputs: Tensor[]; parameters?: Record<string, unknown> } | undefined;
  const decode = (): { outputs: Tensor[]; parameters?: Record<string, unknown> } => (decoded ??= decodeKserveResponse(response));
  if (!headerTiming && response.body.includes('servelab_queue_us')) headerTiming = timingFromParameters(decode().parameters);
  const result = {
    get outputs(): Tensor[] {
      return decode().outputs;
    },
  };
  return headerTiming ? Object.assign(result, { serverTiming: headerTiming }) : result;
}

function decodeKserveResponse(response: HttpResponse): { outputs: Tensor[]; parameters?: Record<string, unknown> } {
  const headerLength = response.headers['inference-header-content-length'];
  const jsonEnd = headerLength === undefined ? response.body.length : Number(headerLength);
  let parsed: { outputs?: KserveOutput[]; parameters?: Record<string, unknown> };
  try {
    parsed = JSON.parse(response.body.subarray(0, jsonEnd).toString('utf8'));
  } catch (error) {
    throw new RequestError('decode', `response is not KServe v2 JSON: ${(error as Error).message}`);
  }
  let offset = jsonEnd;
  const outputs = (parsed.outputs ?? []).map((output): Tensor => {
    const size = output.parameters?.binary_data_size;
    if (size !== undefined) {
      const bytes = response.body.subarray(offset, offset + size);
      offset += size;
      return { name: output.name, datatype: output.datatype, shape: output.shape, data: dataFromRaw(bytes, output.datatype, output.shape) };
    }
    return { name: output.name, datatype: output.datatype, shape: output.shape, data: dataFromJson((output.data ?? []).flat(Infinity), output.datatype) };
  });
  return parsed.parameters ? { outputs, parameters: parsed.parameters } : { outputs };
}
