import { ServelabError } from '../../core/errors.js';
import type { TensorSpec } from '../../core/tensor.js';
import type { SeriesDataset } from '../datasets/types.js';
import type { SamplePlan } from './sample-plan.js';
import { checkBatchAxis, fixedAxis, formatSpecs } from './spec-format.js';
import type { FitResult, SampleStreamOptions } from './types.js';
import { defineWorkload, staticInfo } from './workload-base.js';

export interface SeriesSource {
  readonly name: string;
  readonly dataset: string;
  readonly description: string;
  readonly defaultModel: string;
  /** Timesteps per window when the model's time axis is dynamic. */
  readonly defaultWindowLength: number;
  readonly load: () => SeriesDataset;
}

/**
 * Sliding windows (stride 1) over a multivariate series for sequence models taking FP32 [batch, time,
 * features]; every feature standardised with the mean and standard deviation of the whole series.
 */
export function seriesWorkload(source: SeriesSource) {
  return defineWorkload<Float32Array>({
    info: staticInfo(source, 'time-series'),
    availability: () => ({ available: true }),
    fits: (inputs) => fitsSeries(inputs, source.load().features.length),
    plan: (inputs, options) => seriesPlan(source, inputs, options),
  });
}

function fitsSeries(inputs: readonly TensorSpec[], featureCount: number): FitResult {
  const spec = inputs[0];
  const expected = `one FP32 input [batch, timesteps, ${featureCount} features]`;
  if (inputs.length !== 1 || !spec || spec.datatype !== 'FP32' || spec.shape.length !== 3) {
    return { ok: false, reason: `expected ${expected}, but the model has ${formatSpecs(inputs)}` };
  }
  const features = fixedAxis(spec, 2);
  if (features !== undefined && features !== featureCount) {
    return { ok: false, reason: `expected ${expected}, but the model's feature axis is ${features} in ${formatSpecs(inputs)}` };
  }
  return { ok: true };
}

function seriesPlan(source: SeriesSource, inputs: readonly TensorSpec[], options: Partial<SampleStreamOptions>): SamplePlan<Float32Array> {
  const spec = inputs[0]!;
  checkBatchAxis(spec, options.batchSize ?? 1);
  const series = source.load();
  const features = series.features.length;
  const windowLength = fixedAxis(spec, 1) ?? options.windowLength ?? source.defaultWindowLength;
  if (!Number.isInteger(windowLength) || windowLength < 1 || windowLength > series.rows) {
    throw new ServelabError(`window length must be an integer in 1..${series.rows} for ${series.name}, but got ${windowLength}`);
  }
  const standardised = standardise(series);
  const bytes = windowLength * features * 4;
  return {
    key: `${source.name}|${spec.name}|${windowLength}`,
    sampleCount: series.rows - windowLength + 1,
    preprocessing: { features: series.features.join(','), windowLength, stride: 1, scaling: 'standardised per feature' },
    // A copy, not a view: request encoders may send a typed array's whole underlying buffer.
    prepare: (index) => standardised.slice(index * features, (index + windowLength) * features),
    preparedBytes: (window) => window.byteLength,
    batch(windows) {
      if (windows.length === 1) return [{ name: spec.name, datatype: 'FP32', shape: [1, windowLength, features], data: windows[0]! }];
      const data = new Float32Array(windows.length * bytes / 4);
      windows.forEach((window, b) => data.set(window, (b * bytes) / 4));
      return [{ name: spec.name, datatype: 'FP32', shape: [windows.length, windowLength, features], data }];
    },
    payloadBytes: () => bytes,
    sequenceLength: () => windowLength,
    sequenceUnit: 'timesteps',
  };
}

function standardise(series: SeriesDataset): Float32Array {
  const features = series.features.length;
  const out = new Float32Array(series.values.length);
  for (let f = 0; f < features; f++) {
    let sum = 0;
    for (let r = 0; r < series.rows; r++) sum += series.values[r * features + f]!;
    const mean = sum / series.rows;
    let squares = 0;
    for (let r = 0; r < series.rows; r++) squares += (series.values[r * features + f]! - mean) ** 2;
    const std = Math.sqrt(squares / series.rows) || 1;
    for (let r = 0; r < series.rows; r++) out[r * features + f] = (series.values[r * features + f]! - mean) / std;
  }
  return out;
}
