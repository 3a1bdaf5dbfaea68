/**
 * A small KServe v2 / TF Serving HTTP server for load-generator tests, with a controllable service model:
 * `serial` serves one request at a time with a fixed service time (capacity = 1000 / serviceMs req/s),
 * `delayed` answers each request after a fixed delay in parallel, and a stall holds every answer until the
 * stall ends (the coordinated-omission scenario).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Tensor, TensorSpec } from '../../../src/core/tensor.js';

export interface StubOptions {
  readonly mode?: 'serial' | 'delayed';
  readonly serviceMs?: number;
  /** While performance.now() is in [startMs, endMs), answers wait until endMs. */
  stall?: { startMs: number; endMs: number };
  /** Answer this status to every infer request. */
  failWithStatus?: number;
  /** Answer 503 to every n-th infer request. */
  failEvery?: number;
  /** Declared inputs (default x FP32 [-1,4]). */
  readonly inputs?: readonly TensorSpec[];
  /** Replaces the 200 answer to the n-th infer request (from 1) when it returns a body, e.g. HTML or wrong outputs. */
  readonly replyOverride?: (request: number) => { readonly contentType: string; readonly body: string } | undefined;
}

export interface StubTarget {
  readonly url: string;
  readonly port: number;
  readonly requests: number;
  readonly options: StubOptions;
  close(): Promise<void>;
}

export const STUB_MODEL = 'echo';
const METADATA = {
  name: STUB_MODEL,
  versions: ['1'],
  platform: 'stub',
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 4] }],
};

export function stubSamples(): { next(): Tensor[] } {
  let counter = 0;
  return {
    next: () => {
      counter++;
      return [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: Float32Array.from([counter, 1, 2, 3]) }];
    },
  };
}

export async function startStubTarget(options: StubOptions = {}): Promise<StubTarget> {
  let requests = 0;
  let busyUntilMs = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
        const text = JSON.stringify(body);
        response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
        response.end(text);
      };
      if (request.method === 'GET' && path === '/v2') return json(200, { name: 'stub', version: '1', extensions: [] });
      if (request.method === 'GET' && path === `/v2/models/${STUB_MODEL}`) return json(200, { ...METADATA, inputs: options.inputs ?? METADATA.inputs });
      if (request.method === 'GET' && path.startsWith('/v2/models/')) return json(404, { error: `model '${path.split('/')[3]}' not found` });
      const infer = path === `/v2/models/${STUB_MODEL}/infer` || path === `/v1/models/${STUB_MODEL}:predict`;
      if (!infer) return json(404, { error: `no route for ${path}` });
      requests++;
      if (options.failWithStatus) return json(options.failWithStatus, { error: 'configured failure' });
      if (options.failEvery && requests % options.failEvery === 0) return json(503, { error: 'configured overload' });
      const override = options.replyOverride?.(requests);
      if (override) {
        response.writeHead(200, { 'content-type': override.contentType, 'content-length': Buffer.byteLength(override.body) });
        response.end(override.body);
        return;
      }
      const arrivalMs = performance.now();
      const serviceMs = options.serviceMs ?? 0;
      let doneMs = options.mode === 'serial' ? Math.max(arrivalMs, busyUntilMs) + serviceMs : arrivalMs + serviceMs;
      if (options.mode === 'serial') busyUntilMs = doneMs;
      const stall = options.stall;
      if (stall && arrivalMs >= stall.startMs && arrivalMs < stall.endMs) doneMs = Math.max(doneMs, stall.endMs);
      const reply = (): void =>
        json(
          200,
          { model_name: STUB_MODEL, outputs: [{ name: 'y', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] },
          { 'x-servelab-queue-us': '100.0', 'x-servelab-compute-us': String(serviceMs * 1000), 'x-servelab-batch-size': '1', 'x-servelab-cache': 'miss' },
        );
      const waitMs = doneMs - performance.now();
      if (waitMs <= 0) reply();
      else setTimeout(reply, waitMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return requests;
    },
    options,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
