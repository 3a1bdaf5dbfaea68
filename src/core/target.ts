import type { Tensor, TensorSpec } from './tensor.js';

/** Protocols servelab speaks, as a server and as a client. */
export const PROTOCOLS = ['kserve-http', 'kserve-http-binary', 'kserve-grpc', 'tfserving-http'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export interface ModelMetadata {
  readonly name: string;
  readonly platform: string;
  readonly versions: readonly string[];
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

/** Per-request timing reported by the server (absent for servers that don't report it). */
export interface ServerTiming {
  /** From arrival at the model's queue to the start of compute, batching wait included. */
  readonly queueUs: number;
  /** The part of queueUs the request was held to fill a batch while an instance was free (absent: not reported). */
  readonly batchingUs?: number;
  readonly computeUs: number;
  readonly batchSize: number;
  readonly serializeUs?: number;
  readonly cacheHit: boolean;
}

export interface InferResult {
  readonly outputs: readonly Tensor[];
  readonly serverTiming?: ServerTiming;
}

/** A client for one protocol against one server. */
export interface InferenceClient {
  readonly protocol: Protocol;
  metadata(model: string): Promise<ModelMetadata>;
  infer(model: string, inputs: readonly Tensor[], options?: { signal?: AbortSignal }): Promise<InferResult>;
  close(): Promise<void>;
}

/**
 * How the embedded server reports ServerTiming: HTTP response headers, and the same values as KServe v2
 * response `parameters` (HTTP JSON and gRPC), so clients of any protocol can read them.
 */
export const SERVER_TIMING_HEADERS = {
  queueUs: 'x-servelab-queue-us',
  batchingUs: 'x-servelab-batching-us',
  computeUs: 'x-servelab-compute-us',
  batchSize: 'x-servelab-batch-size',
  serializeUs: 'x-servelab-serialize-us',
  cacheHit: 'x-servelab-cache',
} as const;

export const SERVER_TIMING_PARAMETERS = {
  queueUs: 'servelab_queue_us',
  batchingUs: 'servelab_batching_us',
  computeUs: 'servelab_compute_us',
  batchSize: 'servelab_batch_size',
  serializeUs: 'servelab_serialize_us',
  cacheHit: 'servelab_cache_hit',
} as const;
