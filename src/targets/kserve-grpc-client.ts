/**
 * KServe v2 gRPC client (inference.GRPCInferenceService from proto/grpc_predict_v2.proto): inputs as
 * raw_input_contents, server timing from the response parameters.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ServelabError } from '../core/errors.js';
import type { InferResult, ModelMetadata } from '../core/target.js';
import { isDatatype, type Tensor, type TensorSpec } from '../core/tensor.js';
import { kserveMetadata } from './kserve-metadata.js';
import { DEFAULT_PREFLIGHT_TIMEOUT_MS, tokenFromSignal, type CancelToken, type LoadClient, type PreparedRequest } from './load-client.js';
import { RequestError } from './request-error.js';
import { badResponse, checkOutputs, type OutputFacts } from './response-check.js';
import { timingFromParameters } from './server-timing.js';
import { probeTcp } from './tcp-probe.js';
import type { TargetAddress } from './target-url.js';
import { dataFromJson, dataFromRaw, rawBytes } from './tensor-wire.js';

const PROTO_PATH = fileURLToPath(new URL('../../proto/grpc_predict_v2.proto', import.meta.url));
const PROTO_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true };

type Unary<Request, Response> = (
  request: Request,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response?: Response) => void,
) => grpc.ClientUnaryCall;

interface InferenceStub extends grpc.Client {
  ServerLive: Unary<object, { live: boolean }>;
  ModelMetadata: Unary<{ name: string; version: string }, unknown>;
  ModelInfer: Unary<object, InferResponse>;
}

interface InferResponse {
  parameters?: Record<string, Record<string, unknown> & { parameter_choice?: string }>;
  outputs: { name: string; datatype: string; shape: number[]; contents?: Record<string, unknown[]> | null }[];
  raw_output_contents: Buffer[];
}

interface GrpcPrepared extends PreparedRequest {
  readonly message: object;
}

let serviceConstructor: grpc.ServiceClientConstructor | undefined;

function loadService(): grpc.ServiceClientConstructor {
  if (serviceConstructor) return serviceConstructor;
  const definition = protoLoader.loadSync(PROTO_PATH, PROTO_OPTIONS);
  const root = grpc.loadPackageDefinition(definition) as unknown as { inference: { GRPCInferenceService: grpc.ServiceClientConstructor } };
  serviceConstructor = root.inference.GRPCInferenceService;
  return serviceConstructor;
}

function call<Request, Response>(method: Unary<Request, Response>, stub: InferenceStub, request: Request, options: grpc.CallOptions, cancelToken?: CancelToken): Promise<Response> {
  return new Promise((resolve, reject) => {
    const handle = method.call(stub, request, new grpc.Metadata(), options, (error, response) => {
      if (cancelToken) cancelToken.onCancel = null;
      if (error) reject(new RequestError(error.code === grpc.status.CANCELLED ? 'aborted' : `grpc-${grpcCodeName(error.code)}`, error.details || error.message));
      else resolve(response as Response);
    });
    if (cancelToken?.cancelled) handle.cancel();
    else if (cancelToken) cancelToken.onCancel = () => handle.cancel();
  });
}

function grpcCodeName(code: number): string {
  return (grpc.status[code] ?? String(code)).toLowerCase().replace(/_/g, '-');
}

/** Unwraps InferParameter oneofs ({int64_param: 5, parameter_choice: 'int64_param'}) to plain values. */
function plainParameters(parameters: InferResponse['parameters']): Record<string, unknown> {
  return Object.fromEntries(Object.entries(parameters ?? {}).map(([key, value]) => [key, value.parameter_choice ? value[value.parameter_choice] : undefined]));
}

export function createKserveGrpcClient(address: TargetAddress, options: { preflightTimeoutMs?: number } = {}): LoadClient {
  const Service = loadService();
  const stub = new Service(`${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': 256 * 1024 * 1024,
    'grpc.max_send_message_length': 256 * 1024 * 1024,
    // HTTP/2 starts each stream at a 64 KB window: a larger response would stall until a WINDOW_UPDATE went back.
    'grpc-node.flow_control_window': 16 * 1024 * 1024,
  }) as unknown as InferenceStub;
  const target = address.display;
  const preflightTimeoutMs = options.preflightTimeoutMs ?? DEFAULT_PREFLIGHT_TIMEOUT_MS;
  /** Declared outputs per model, learnt from metadata: every response is checked against them. */
  const outputSpecs = new Map<string, readonly TensorSpec[]>();

  const prepare = (model: string, inputs: readonly Tensor[]): GrpcPrepared => {
    const contents = inputs.map((tensor) => rawBytes(tensor.data));
    return {
      model,
      byteLength: contents.reduce((total, part) => total + part.length, 0),
      message: {
        model_name: model,
        inputs: inputs.map((tensor) => ({ name: tensor.name, datatype: tensor.datatype, shape: tensor.shape })),
        raw_input_contents: contents,
      },
    };
  };

  const send = async (prepared: PreparedRequest, cancelToken?: CancelToken): Promise<InferResult> => {
    const response = await call(stub.ModelInfer, stub, (prepared as GrpcPrepared).message, {}, cancelToken);
    checkOutputs(outputFacts(response), outputSpecs.get(prepared.model));
    const serverTiming = timingFromParameters(plainParameters(response.parameters));
    let outputs: Tensor[] | undefined;
    const result = {
      get outputs(): Tensor[] {
        return (outputs ??= decodeOutputs(response));
      },
    };
    return serverTiming ? Object.assign(result, { serverTiming }) : result;
  };

  const preflight = async <Response>(what: string, run: () => Promise<Response>): Promise<Response> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof RequestError && (error.kind === 'grpc-unavailable' || error.kind === 'grpc-internal' || error.kind === 'grpc-deadline-exceeded')) {
        await probeTcp(address.host, address.port, target);
        throw new ServelabError(`target ${target} does not speak KServe v2 gRPC: ${what} failed (${error.kind}: ${error.message}) (is --protocol right?)`, 'unsupported');
      }
      throw error;
    }
  };

  return {
    protocol: 'kserve-grpc',
    target,
    async checkServer() {
      await probeTcp(address.host, address.port, target);
      await preflight('ServerLive', () => call(stub.ServerLive, stub, {}, { deadline: Date.now() + preflightTimeoutMs }));
    },
    async metadata(model: string): Promise<ModelMetadata> {
      try {
        const response = await preflight('ModelMetadata', () => call(stub.ModelMetadata, stub, { name: model, version: '' }, { deadline: Date.now() + preflightTimeoutMs }));
        const metadata = kserveMetadata(response, model, target);
        outputSpecs.set(model, metadata.outputs);
        return metadata;
      } catch (error) {
        if (error instanceof RequestError && error.kind === 'grpc-not-found') {
          throw new ServelabError(`model '${model}' is not served by ${target}: ${error.message}`, 'not-found');
        }
        if (error instanceof RequestError) throw new ServelabError(`target ${target}: ModelMetadata for '${model}' failed: ${error.message}`, 'unavailable');
        throw error;
      }
    },
    infer: (model, inputs, options) => send(prepare(model, inputs), tokenFromSignal(options?.signal)),
    prepare,
    send,
    close: async () => stub.close(),
  };
}

/** What the response says of each output, values uncounted beyond list lengths and raw byte counts. */
function outputFacts(response: InferResponse): OutputFacts[] {
  const raw = response.raw_output_contents ?? [];
  const outputs = response.outputs ?? [];
  if (raw.length > 0 && raw.length !== outputs.length) {
    throw badResponse(`the response has ${raw.length} raw_output_contents for ${outputs.length} outputs`);
  }
  return outputs.map((output, index) => {
    const facts = { name: output.name, datatype: output.datatype, shape: output.shape };
    const bytes = raw[index];
    return bytes ? { ...facts, byteLength: bytes.length } : { ...facts, valueCount: typedContents(output).length };
  });
}

/** The one non-empty typed list of InferTensorContents (empty when the values are missing). */
function typedContents(output: InferResponse['outputs'][number]): unknown[] {
  return Object.values(output.contents ?? {}).find((list) => Array.isArray(list) && list.length > 0) ?? [];
}

function decodeOutputs(response: InferResponse): Tensor[] {
  return response.outputs.map((output, index) => {
    const datatype = isDatatype(output.datatype) ? output.datatype : 'FP32';
    const shape = output.shape.map(Number);
    const raw = response.raw_output_contents[index];
    if (raw) return { name: output.name, datatype, shape, data: dataFromRaw(raw, datatype, shape) };
    const values = typedContents(output);
    const plain = datatype === 'BYTES' ? values.map((value) => Buffer.from(value as Uint8Array).toString('utf8')) : values;
    return { name: output.name, datatype, shape, data: dataFromJson(plain, datatype) };
  });
}
