import { z } from 'zod';
import { ServelabError } from '../core/errors.js';

/**
 * Server configuration: one zod schema per config type. Per-model settings are written as partial overrides
 * (in `defaults` and per model) and resolved onto DEFAULT_MODEL_CONFIG, then validated in full.
 */

const ortShape = {
  /** 0 lets ONNX Runtime choose (one thread per core). */
  intraOpThreads: z.int().min(0).max(256),
  interOpThreads: z.int().min(0).max(256),
  executionMode: z.enum(['sequential', 'parallel']),
  graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']),
  enableCpuMemArena: z.boolean(),
  enableMemPattern: z.boolean(),
  /** Idle intra/inter-op pool threads spin before sleeping (ORT default): lower latency, CPU burnt while idle. */
  allowSpinning: z.boolean(),
};
export const OrtOptionsSchema = z.strictObject(ortShape);
export type OrtOptions = z.infer<typeof OrtOptionsSchema>;

const batchingShape = {
  enabled: z.boolean(),
  maxBatchSize: z.int().min(1).max(4096),
  maxQueueDelayUs: z.int().min(0).max(10_000_000),
  /** Batch sizes the batcher forms at once when enough requests wait (Triton's preferred_batch_size). */
  preferredBatchSizes: z.array(z.int().min(1)),
  /** Requests waiting beyond this are rejected at once (503 / RESOURCE_EXHAUSTED); applies with batching off too. */
  maxQueueSize: z.int().min(1).max(1_000_000),
  /** Variable-length inputs: zero-pad to the longest in the batch, or batch only requests of equal shape. */
  variableLength: z.enum(['pad', 'equal-length']),
};
export const BatchingConfigSchema = z.strictObject(batchingShape).superRefine((batching, ctx) => {
  batching.preferredBatchSizes.forEach((size, index) => {
    if (size > batching.maxBatchSize) {
      ctx.addIssue({
        code: 'custom',
        path: ['preferredBatchSizes', index],
        message: `preferred batch size must be <= maxBatchSize (${batching.maxBatchSize}), but got ${size}`,
      });
    }
  });
});
export type BatchingConfig = z.infer<typeof BatchingConfigSchema>;

const cacheShape = {
  enabled: z.boolean(),
  capacityMb: z.number().positive().max(1_000_000),
};
export const CacheConfigSchema = z.strictObject(cacheShape);
export type CacheConfig = z.infer<typeof CacheConfigSchema>;

const admissionShape = {
  /**
   * Overload admission control: a request whose expected wait before its batch starts (the work queued and
   * running ahead of it, at the model's measured per-batch service time) exceeds this is refused at once
   * with 503 / RESOURCE_EXHAUSTED instead of being queued to answer late. 0 or null turns it off.
   */
  maxQueueDelayMs: z.number().min(0).max(600_000).nullable(),
};
export const AdmissionConfigSchema = z.strictObject(admissionShape);
export type AdmissionConfig = z.infer<typeof AdmissionConfigSchema>;

/** Which axis of a tensor is its batch axis: a number, or 'shared' for a tensor every batched request must equal. */
const batchAxisSchema = z.union([z.int().min(0), z.literal('shared')]);

export const ModelConfigSchema = z.strictObject({
  instances: z.int().min(1).max(64),
  ort: OrtOptionsSchema,
  batching: BatchingConfigSchema,
  cache: CacheConfigSchema,
  admission: AdmissionConfigSchema,
  /** Overrides the batch axes read from the model's metadata (tensor name -> axis or 'shared'). */
  batchAxes: z.record(z.string(), batchAxisSchema).optional(),
});
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

export const ModelConfigOverridesSchema = z.strictObject({
  instances: z.int().min(1).max(64).optional(),
  ort: z.strictObject(ortShape).partial().optional(),
  batching: z.strictObject(batchingShape).partial().optional(),
  cache: z.strictObject(cacheShape).partial().optional(),
  admission: z.strictObject(admissionShape).partial().optional(),
  batchAxes: z.record(z.string(), batchAxisSchema).optional(),
});
export type ModelConfigOverrides = z.infer<typeof ModelConfigOverridesSchema>;

export const ModelEntrySchema = z.strictObject({
  /** Zoo model name, or the model's name within the model repository. */
  name: z.string().min(1),
  /** Explicit .onnx path; otherwise the name is resolved through the zoo or the model repository. */
  path: z.string().min(1).optional(),
  config: ModelConfigOverridesSchema.optional(),
});
export type ModelEntry = z.infer<typeof ModelEntrySchema>;

export const ServerConfigSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  /** 0 binds any free port. */
  httpPort: z.int().min(0).max(65535).default(8500),
  /** 0 binds any free port; null turns gRPC off. */
  grpcPort: z.int().min(0).max(65535).nullable().default(8501),
  /** Largest request body accepted (HTTP and gRPC), larger ones get 413 / RESOURCE_EXHAUSTED. */
  maxBodyBytes: z.int().min(1024).default(64 * 1024 * 1024),
  /** Request bodies held at once across all connections (being read or being served); beyond it 503 / RESOURCE_EXHAUSTED. */
  maxInFlightBodyBytes: z.int().min(1024).default(256 * 1024 * 1024),
  /** Largest batch (rows along the batch axis, else the first axis) one request may carry, batching on or off. */
  maxRequestBatchSize: z.int().min(1).default(256),
  /** Largest total size of one request's decoded input tensors, batching on or off. */
  maxRequestTensorBytes: z.int().min(1024).default(32 * 1024 * 1024),
  /** After SIGTERM or close(), connections still open after this long are destroyed so the process can exit. */
  drainTimeoutMs: z.int().min(0).max(3_600_000).default(30_000),
  /**
   * auto: when the models' instance threads (instances × ort.intraOpThreads) leave one of the server's CPUs free,
   * the I/O thread gets that CPU and the instance threads the others; shared: every thread may run anywhere.
   */
  threadPlacement: z.enum(['auto', 'shared']).default('auto'),
  /** Folder with one subfolder per model holding model.onnx and an optional config.yaml. */
  modelRepository: z.string().min(1).optional(),
  models: z.array(ModelEntrySchema).default([]),
  /** Applied to every model before its own overrides. */
  defaults: ModelConfigOverridesSchema.default({}),
}).superRefine((config, ctx) => {
  if (config.maxInFlightBodyBytes < config.maxBodyBytes) {
    ctx.addIssue({
      code: 'custom',
      path: ['maxInFlightBodyBytes'],
      message: `must be >= maxBodyBytes (${config.maxBodyBytes}) so that one largest request fits, but got ${config.maxInFlightBodyBytes}`,
    });
  }
});
export type ServerConfig = z.infer<typeof ServerConfigSchema>;
export type ServerConfigInput = z.input<typeof ServerConfigSchema>;

export const DEFAULT_MODEL_CONFIG: ModelConfig = {
  instances: 1,
  ort: {
    intraOpThreads: 0,
    interOpThreads: 0,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    enableCpuMemArena: true,
    enableMemPattern: true,
    allowSpinning: true,
  },
  batching: {
    enabled: false,
    maxBatchSize: 32,
    maxQueueDelayUs: 0,
    preferredBatchSizes: [],
    maxQueueSize: 256,
    variableLength: 'equal-length',
  },
  cache: { enabled: false, capacityMb: 64 },
  admission: { maxQueueDelayMs: 500 },
};

/** Every problem a zod parse found, one per line, each with its path. */
export function formatIssues(error: z.ZodError, what: string): string {
  const lines = error.issues.map((issue) => `  ${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
  return `invalid ${what}:\n${lines.join('\n')}`;
}

export function parseServerConfig(value: unknown, what = 'server configuration'): ServerConfig {
  const parsed = ServerConfigSchema.safeParse(value ?? {});
  if (!parsed.success) throw new ServelabError(formatIssues(parsed.error, what));
  return parsed.data;
}

/** Resolves a model's effective configuration: built-in defaults <- server defaults <- the model's overrides. */
export function resolveModelConfig(...layers: (ModelConfigOverrides | undefined)[]): ModelConfig {
  let merged: ModelConfig = DEFAULT_MODEL_CONFIG;
  for (const layer of layers) {
    if (!layer) continue;
    merged = {
      instances: layer.instances ?? merged.instances,
      ort: { ...merged.ort, ...stripUndefined(layer.ort) },
      batching: { ...merged.batching, ...stripUndefined(layer.batching) },
      cache: { ...merged.cache, ...stripUndefined(layer.cache) },
      admission: { ...merged.admission, ...stripUndefined(layer.admission) },
      ...(layer.batchAxes || merged.batchAxes ? { batchAxes: { ...merged.batchAxes, ...layer.batchAxes } } : {}),
    };
  }
  const parsed = ModelConfigSchema.safeParse(merged);
  if (!parsed.success) throw new ServelabError(formatIssues(parsed.error, 'model configuration'));
  return parsed.data;
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
