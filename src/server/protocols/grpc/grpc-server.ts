import type { Http2Server, ServerHttp2Session } from 'node:http2';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { errorMessage, isServelabError, ServelabError, type ServelabErrorCode } from '../../../core/errors.js';
import type { Datatype, Tensor, TensorData } from '../../../core/tensor.js';
import { isDatatype } from '../../../core/tensor.js';
import { SERVER_EXTENSIONS, SERVER_NAME, SERVER_VERSION, type ModelSet } from '../../model-set.js';
import { selectOutputs } from '../http/kserve-codec.js';
import { bytesFromTyped, ownedTypedFromBytes, typedFromJson } from '../json-tensors.js';
import { microsecondsSince, observeStage } from '../../request-stages.js';
import { assertRequestWithinLimits, type RequestLimits } from '../request-limits.js';
import { timingParameters } from '../timing.js';

/** The KServe v2 gRPC definition shared by the server and the load generator's client. */
export const KSERVE_PROTO_PATH = fileURLToPath(new URL('../../../../proto/grpc_predict_v2.proto', import.meta.url));

/** Proto-loader options: field names as in the .proto, int64 as JS numbers, absent fields as defaults. */
export const KSERVE_PROTO_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true };

const STATUS_BY_CODE: Record<ServelabErrorCode, grpc.status> = {
  'invalid-input': grpc.status.INVALID_ARGUMENT,
  'not-found': grpc.status.NOT_FOUND,
  unavailable: grpc.status.UNAVAILABLE,
  unsupported: grpc.status.UNIMPLEMENTED,
  'resource-exhausted': grpc.status.RESOURCE_EXHAUSTED,
  internal: grpc.status.INTERNAL,
};

type Contents = Record<string, unknown[]>;
interface InferInputTensor {
  name: string;
  datatype: string;
  shape: number[];
  contents?: Contents | null;
}
interface ModelInferRequest {
  model_name: string;
  model_version: string;
  id: string;
  inputs: InferInputTensor[];
  outputs: { name: string }[];
  raw_input_contents: Buffer[];
}

const CONTENTS_FIELD: Record<Datatype, string> = {
  BOOL: 'bool_contents',
  UINT8: 'uint_contents',
  INT8: 'int_contents',
  INT16: 'int_contents',
  INT32: 'int_contents',
  INT64: 'int64_contents',
  FP32: 'fp32_contents',
  FP64: 'fp64_contents',
  BYTES: 'bytes_contents',
};

/** Whether an input carries typed contents (any *_contents field non-empty). */
function hasTypedContents(input: InferInputTensor): boolean {
  return Object.values(input.contents ?? {}).some((values) => Array.isArray(values) && values.length > 0);
}

/** Bytes a request holds: raw contents, plus typed contents at 8 bytes a number as decoded. */
function requestBytes(request: ModelInferRequest): number {
  let bytes = 0;
  for (const raw of request.raw_input_contents) bytes += raw.length;
  for (const input of request.inputs) {
    for (const values of Object.values(input.contents ?? {})) {
      if (!Array.isArray(values)) continue;
      for (const value of values) bytes += value instanceof Uint8Array ? value.length : 8;
    }
  }
  return bytes;
}

function decodeInputs(request: ModelInferRequest): Tensor[] {
  const raw = request.raw_input_contents;
  if (request.inputs.length === 0) throw new ServelabError('ModelInferRequest has no inputs');
  if (raw.length > 0 && raw.length !== request.inputs.length) {
    throw new ServelabError(`raw_input_contents has ${raw.length} entries but there are ${request.inputs.length} inputs (one entry per input expected)`);
  }
  return request.inputs.map((input, index) => {
    const label = `input '${input.name}'`;
    if (!isDatatype(input.datatype)) throw new ServelabError(`${label}: unknown datatype '${input.datatype}'`);
    const shape = input.shape.map(Number);
    let data: TensorData;
    if (raw.length > 0) {
      if (hasTypedContents(input)) {
        throw new ServelabError(`${label} has both typed contents and raw_input_contents; send each input's data in exactly one of them`);
      }
      data = ownedTypedFromBytes(raw[index]!, input.datatype, shape, label);
    } else {
      const values = input.contents?.[CONTENTS_FIELD[input.datatype]] ?? [];
      const plain = input.datatype === 'BYTES' ? values.map((value) => Buffer.from(value as Uint8Array).toString('utf8')) : values;
      data = typedFromJson(plain, input.datatype, label, { allowNonFinite: true });
    }
    return { name: input.name, datatype: input.datatype, shape, data };
  });
}

function toParameters(values: Record<string, number | boolean>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, typeof value === 'boolean' ? { bool_param: value } : { int64_param: value }]),
  );
}

/** HTTP/2 flow-control window the server grants per stream and per connection (HTTP/2 starts at 64 KB). */
const FLOW_CONTROL_WINDOW_BYTES = 16 * 1024 * 1024;

/**
 * grpc-js leaves HTTP/2's initial 64 KB windows on the server side, so a request tensor larger than that (a
 * 110 KB image row) stops mid-message until a WINDOW_UPDATE has gone back through the server's event loop.
 * Wider windows let the whole message through at once; the body budget and maxBodyBytes still bound what is
 * held. grpc-js exposes no option for it: its HTTP/2 servers are reached through its (untyped) server map,
 * and nothing changes where that map is missing.
 */
function widenFlowControlWindows(server: grpc.Server): void {
  const http2Servers = (server as unknown as { http2Servers?: Map<Http2Server, unknown> }).http2Servers;
  if (!(http2Servers instanceof Map)) return;
  for (const http2Server of http2Servers.keys()) {
    if (typeof http2Server.updateSettings !== 'function') continue;
    http2Server.updateSettings({ initialWindowSize: FLOW_CONTROL_WINDOW_BYTES });
    http2Server.on('session', (session: ServerHttp2Session) => {
      session.setLocalWindowSize(FLOW_CONTROL_WINDOW_BYTES);
    });
  }
}

export interface RunningGrpcServer {
  readonly port: number;
  /** Stops accepting; resolves once every call has finished. */
  close(): Promise<void>;
  /** Cancels every call and closes every connection (the drain deadline). */
  destroyConnections(): void;
}

export async function startGrpcServer(models: ModelSet, host: string, port: number, limits: RequestLimits): Promise<RunningGrpcServer> {
  const definition = protoLoader.loadSync(KSERVE_PROTO_PATH, KSERVE_PROTO_OPTIONS);
  const proto = grpc.loadPackageDefinition(definition) as unknown as { inference: { GRPCInferenceService: grpc.ServiceClientConstructor } };
  // A message over maxBodyBytes is refused from its length prefix, before it is buffered (RESOURCE_EXHAUSTED).
  const server = new grpc.Server({ 'grpc.max_receive_message_length': limits.maxBodyBytes, 'grpc.max_send_message_length': -1 });
  const fail = (callback: grpc.sendUnaryData<unknown>, error: unknown): void => {
    const code = isServelabError(error) ? STATUS_BY_CODE[error.code] : grpc.status.INTERNAL;
    callback({ code, details: errorMessage(error) });
  };
  const unary = <Req>(handler: (request: Req) => unknown | Promise<unknown>): grpc.handleUnaryCall<Req, unknown> =>
    (call, callback) => {
      Promise.resolve()
        .then(() => handler(call.request))
        .then((reply) => callback(null, reply), (error: unknown) => fail(callback, error));
    };
  const checkVersion = (version: string): void => {
    if (version !== '' && version !== '1') throw new ServelabError(`model version '${version}' not found; only version 1 is served`, 'not-found');
  };
  server.addService(proto.inference.GRPCInferenceService.service, {
    ServerLive: unary(() => ({ live: true })),
    ServerReady: unary(() => ({ ready: models.ready })),
    ModelReady: unary((request: { name: string; version: string }) => {
      checkVersion(request.version);
      models.get(request.name);
      return { ready: models.ready };
    }),
    ServerMetadata: unary(() => ({ name: SERVER_NAME, version: SERVER_VERSION, extensions: [...SERVER_EXTENSIONS] })),
    ModelMetadata: unary((request: { name: string; version: string }) => {
      checkVersion(request.version);
      const metadata = models.get(request.name).metadata();
      return { ...metadata, versions: [...metadata.versions] };
    }),
    ModelInfer: unary(async (request: ModelInferRequest) => {
      checkVersion(request.model_version);
      const model = models.get(request.model_name);
      const wanted = request.outputs.map((output) => output.name);
      if (wanted.length > 0) selectOutputs(model.metadata().outputs.map((spec) => ({ ...spec, data: [] })), wanted, model.name);
      const done = models.admit();
      // grpc-js has already buffered the message; charging it still bounds how many are held while served.
      const charge = limits.bodyBudget.charge();
      let outcome;
      try {
        charge.holdAtLeast(requestBytes(request));
        const parseStartedMs = performance.now();
        const inputs = decodeInputs(request);
        assertRequestWithinLimits(model, inputs, limits);
        observeStage(models.metrics, model.name, 'kserve-grpc', 'parse', microsecondsSince(parseStartedMs));
        outcome = await models.infer(request.model_name, inputs, 'kserve-grpc');
      } finally {
        charge.release();
        done();
      }
      const startedNs = process.hrtime.bigint();
      const selected = selectOutputs(outcome.outputs, wanted, model.name);
      // Views of the output tensors' memory (Buffer.from(Uint8Array) would copy them).
      const raw = selected.map((tensor) => {
        const bytes = bytesFromTyped(tensor.data);
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      });
      const serializeUs = Number(process.hrtime.bigint() - startedNs) / 1000;
      observeStage(models.metrics, model.name, 'kserve-grpc', 'encode', serializeUs);
      return {
        model_name: model.name,
        model_version: '1',
        id: request.id,
        parameters: toParameters(timingParameters({ ...outcome.timing, serializeUs })),
        outputs: selected.map((tensor) => ({ name: tensor.name, datatype: tensor.datatype, shape: tensor.shape })),
        raw_output_contents: raw,
      };
    }),
  });
  const boundPort = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) => {
      if (error) reject(new ServelabError(`cannot listen for gRPC on ${host}:${port}: ${error.message}`, 'unavailable'));
      else resolve(bound);
    });
  });
  widenFlowControlWindows(server);
  return {
    port: boundPort,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
    destroyConnections: () => server.forceShutdown(),
  };
}
