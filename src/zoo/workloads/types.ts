import type { Tensor, TensorSpec } from '../../core/tensor.js';
import type { DatasetAvailability, DatasetModality } from '../datasets/types.js';

export type FitResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * How a stream is built. Only `seed` is required; the hints pick preprocessing the input specs cannot tell:
 * the model name decides text special tokens (names containing 'bert' get [CLS]/[SEP], 'sentiment-cls'
 * and other bag-of-words classifiers do not) unless `specialTokens` says so explicitly.
 */
export interface SampleStreamOptions {
  readonly seed: number;
  /** Samples per request (the batch axis of every tensor); default 1. */
  readonly batchSize?: number;
  /** Name of the served model, used as a preprocessing hint (see above). */
  readonly modelName?: string;
  /** Text: wrap token ids in [CLS] ... [SEP]. */
  readonly specialTokens?: boolean;
  /** Text: truncate to this many tokens when the model's sequence axis is dynamic (default 512). */
  readonly maxTokens?: number;
  /** Time series: timesteps per window when the model's time axis is dynamic. */
  readonly windowLength?: number;
  /** Images: override the normalisation the workload would pick. */
  readonly normalisation?: ImageNormalisation;
}

/** imagenet: (x - mean) / std per RGB channel; paddle: (x - 0.5) / 0.5 (PaddleOCR); unit: x in 0..1. */
export type ImageNormalisation = 'imagenet' | 'paddle' | 'unit';

/**
 * Endless, seeded request tensors: every call returns one request (batch axis included), cycling through
 * all samples in an order fixed by the seed. The returned typed arrays may be shared with a per-sample
 * cache: treat them as read-only.
 */
export interface SampleStream {
  readonly batchSize: number;
  next(): Tensor[];
}

export interface WorkloadInfo {
  readonly name: string;
  readonly dataset: string;
  readonly modality: DatasetModality;
  readonly description: string;
  /** The zoo model whose input convention `describe()` uses when no inputs are given. */
  readonly defaultModel: string;
  readonly availability: DatasetAvailability;
}

/** min / p50 / p90 / max (nearest rank) and mean over all samples. */
export interface Distribution {
  readonly min: number;
  readonly p50: number;
  readonly p90: number;
  readonly max: number;
  readonly mean: number;
}

export interface WorkloadDescription {
  readonly name: string;
  readonly dataset: string;
  readonly modality: DatasetModality;
  readonly description: string;
  readonly available: boolean;
  readonly unavailableReason?: string;
  /** Requests before the stream repeats a sample (0 when unavailable). */
  readonly samples: number;
  /** Whose input specs the distributions were computed for: a zoo model name or 'given inputs'. */
  readonly inputsFrom: string;
  /** The preprocessing chosen for those inputs (sizes, normalisation, special tokens, window, sample rate). */
  readonly preprocessing?: Readonly<Record<string, string | number | boolean>>;
  /** Bytes of tensor data in one batch-1 request. */
  readonly payloadBytes?: Distribution;
  /** Tokens (text) or timesteps (time series) per sample, as sent. */
  readonly sequenceLength?: Distribution & { readonly unit: string };
  /** Text only: tokens per sample before truncation, i.e. the data's own length distribution. */
  readonly untruncatedLength?: Distribution & { readonly unit: string };
  readonly fitsModels: readonly string[];
}

export interface DescribeHints {
  /** The model the given inputs belong to: a preprocessing hint (see SampleStreamOptions). */
  readonly modelName?: string;
  /** Models to test for `fitsModels` (from zooModelInputs(), i.e. the model cards); default: the zoo's conventions. */
  readonly models?: readonly { readonly name: string; readonly inputs: readonly TensorSpec[] }[];
}

export interface Workload {
  readonly info: WorkloadInfo;
  fits(inputs: readonly TensorSpec[]): FitResult;
  createSampleStream(inputs: readonly TensorSpec[], options: SampleStreamOptions): SampleStream;
  /**
   * Samples and distributions for the given inputs (default: the default model's conventional inputs), and
   * the zoo models the workload fits.
   */
  describe(inputs?: readonly TensorSpec[], hints?: DescribeHints): WorkloadDescription;
}
