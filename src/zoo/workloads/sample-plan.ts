import type { Tensor } from '../../core/tensor.js';

/**
 * A workload resolved against one model's input specs: how each sample becomes tensor data and how a
 * batch of prepared samples becomes a request. Plans are built once and shared by every stream.
 */
export interface SamplePlan<Prepared> {
  /** Identifies the preprocessing, so equal plans share one cache. */
  readonly key: string;
  readonly sampleCount: number;
  /** The preprocessing choices this plan made, for descriptions and reports. */
  readonly preprocessing: Readonly<Record<string, string | number | boolean>>;
  prepare(index: number): Prepared;
  /** Bytes a prepared sample holds, for the cache budget. */
  preparedBytes(prepared: Prepared): number;
  batch(samples: readonly Prepared[]): Tensor[];
  /** Bytes of tensor data in a batch-1 request for this sample, computed without preparing it. */
  payloadBytes(index: number): number;
  /** Tokens or timesteps per sample, as sent; absent for fixed-size modalities. */
  sequenceLength?(index: number): number;
  readonly sequenceUnit?: string;
  /** Text: tokens per sample before truncation (the data's own lengths). */
  untruncatedLength?(index: number): number;
}
