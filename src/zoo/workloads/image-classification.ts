import type { TensorSpec } from '../../core/tensor.js';
import { ServelabError } from '../../core/errors.js';
import type { DatasetAvailability, ImageDataset } from '../datasets/types.js';
import { stackImages } from './image-batch.js';
import { findImageInput } from './image-input.js';
import { resizeBilinear, type GreyImage } from './image-ops.js';
import type { SamplePlan } from './sample-plan.js';
import { checkBatchAxis, formatSpecs } from './spec-format.js';
import type { FitResult, ImageNormalisation, SampleStreamOptions } from './types.js';
import { defineWorkload, staticInfo } from './workload-base.js';

export interface ImageClassificationSource {
  readonly name: string;
  readonly dataset: string;
  readonly description: string;
  readonly defaultModel: string;
  readonly availability: () => DatasetAvailability;
  readonly datasetLocation?: () => string;
  readonly load: () => ImageDataset;
}

/**
 * Whole 28x28 grey images for image classifiers: bilinear resize to the model's fixed square input, the grey
 * intensity on every channel, then ImageNet normalisation for 3 channels or 0..1 for 1 channel.
 */
export function imageClassificationWorkload(source: ImageClassificationSource) {
  return defineWorkload({
    info: staticInfo(source, 'image'),
    availability: source.availability,
    ...(source.datasetLocation && { datasetLocation: source.datasetLocation }),
    fits: fitsSquareImage,
    plan: (inputs, options) => imagePlan(source, inputs, options),
  });
}

function fitsSquareImage(inputs: readonly TensorSpec[]): FitResult {
  const found = findImageInput(inputs);
  if (!found.ok) return found;
  const { height, width } = found.input;
  if (height === undefined || width === undefined || height !== width) {
    return {
      ok: false,
      reason: `an image classifier needs a fixed square input such as [-1,3,224,224], but the model has ${formatSpecs(inputs)} (text detectors and recognisers take mnist-strips)`,
    };
  }
  return { ok: true };
}

function imagePlan(source: ImageClassificationSource, inputs: readonly TensorSpec[], options: Partial<SampleStreamOptions>): SamplePlan<GreyImage> {
  const found = findImageInput(inputs);
  if (!found.ok) throw new ServelabError(found.reason);
  const { spec, channels } = found.input;
  checkBatchAxis(spec, options.batchSize ?? 1);
  const side = found.input.height!;
  const normalisation: ImageNormalisation = options.normalisation ?? (channels === 3 ? 'imagenet' : 'unit');
  const dataset = source.load();
  const bytes = channels * side * side * 4;
  return {
    key: `${source.name}|${side}x${side}`,
    sampleCount: dataset.samples.length,
    preprocessing: { resize: `bilinear ${dataset.width}x${dataset.height} -> ${side}x${side}`, channels, normalisation },
    prepare(index) {
      const sample = dataset.samples[index]!;
      const grey = { width: dataset.width, height: dataset.height, pixels: sample.pixels };
      return resizeBilinear(grey, side, side);
    },
    // Native-size images are the dataset's own arrays: caching them costs nothing.
    preparedBytes: (image) => (side === dataset.width && side === dataset.height ? 0 : image.pixels.byteLength),
    batch: (images) => [stackImages(images, { inputName: spec.name, channels, normalisation, padIntensity: 0 })],
    payloadBytes: () => bytes,
  };
}
