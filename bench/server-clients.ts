import { request, Agent } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { SERVER_TIMING_HEADERS } from '../src/core/target.js';
import { KSERVE_PROTO_OPTIONS, KSERVE_PROTO_PATH } from '../src/server/index.js';

/** Lean benchmark clients: bodies are encoded once up front, so the timings show the server and the transport. */

export interface Reply {
  readonly latencyMs: number;
  /** Server-reported session.run time. */
  readonly computeUs: number;
}

export type SendOnce = () => Promise<Reply>;

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function post(url: URL, body: Buffer, headers: Record<string, string>): Promise<Reply> {
  const startedMs = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-length': String(body.length), ...headers } }, (response) => {
      response.on('data', () => undefined);
      response.on('end', () => {
        if (response.statusCode !== 200) reject(new Error(`HTTP ${response.statusCode}`));
        else resolve({ latencyMs: performance.now() - startedMs, computeUs: Number(response.headers[SERVER_TIMING_HEADERS.computeUs]) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function kserveJsonClient(httpUrl: string, model: string, inputName: string, shape: readonly number[], data: Float32Array): SendOnce {
  const url = new URL(`${httpUrl}/v2/models/${model}/infer`);
  const body = Buffer.from(JSON.stringify({ inputs: [{ name: inputName, shape, datatype: 'FP32', data: Array.from(data) }] }));
  return () => post(url, body, { 'content-type': 'application/json' });
}

export function kserveBinaryClient(httpUrl: string, model: string, inputName: string, shape: readonly number[], data: Float32Array): SendOnce {
  const url = new URL(`${httpUrl}/v2/models/${model}/infer`);
  const header = Buffer.from(
    JSON.stringify({ inputs: [{ name: inputName, shape, datatype: 'FP32', parameters: { binary_data_size: data.byteLength } }], parameters: { binary_data_output: true } }),
  );
  const body = Buffer.concat([header, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
  return () => post(url, body, { 'inference-header-content-length': String(header.length), 'content-type': 'application/octet-stream' });
}

export function kserveGrpcClient(address: string, model: string, inputName: string, shape: readonly number[], data: Float32Array): { send: SendOnce; close: () => void } {
  const definition = protoLoader.loadSync(KSERVE_PROTO_PATH, KSERVE_PROTO_OPTIONS);
  const proto = grpc.loadPackageDefinition(definition) as any;
  const client = new proto.inference.GRPCInferenceService(address, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': -1,
    'grpc.max_send_message_length': -1,
  });
  const message = { model_name: model, inputs: [{ name: inputName, datatype: 'FP32', shape }], raw_input_contents: [Buffer.from(data.buffer, data.byteOffset, data.byteLength)] };
  const send: SendOnce = () => {
    const startedMs = performance.now();
    return new Promise((resolve, reject) => {
      client.ModelInfer(message, (error: grpc.ServiceError | null, reply: any) => {
        if (error) reject(error);
        else resolve({ latencyMs: performance.now() - startedMs, computeUs: Number(reply.parameters.servelab_compute_us?.int64_param ?? 0) });
      });
    });
  };
  return { send, close: () => client.close() };
}

export function closeHttpClients(): void {
  agent.destroy();
}
