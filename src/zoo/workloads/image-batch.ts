import type { Tensor } from '../../core/tensor.js';
import { normalisedValue } from './image-ops.js';
import type { ImageNormalisation } from './types.js';

/** One preprocessed image in planar CHW layout. */
export interface PlanarImage {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly data: Float32Array;
}

export interface ImageBatchLayout {
  readonly inputName: string;
  readonly normalisation: ImageNormalisation;
  /** Intensity (0..1, before normalisation) that fills the area right of and below narrower images. */
  readonly padIntensity: number;
}

/**
 * Stacks images into one [B, C, H, W] FP32 tensor. Images of different sizes (text strips) are padded to the
 * largest in this batch only; a single image goes out as is, without a copy.
 */
export function stackImages(images: readonly PlanarImage[], layout: ImageBatchLayout): Tensor {
  const first = images[0]!;
  const channels = first.channels;
  const height = Math.max(...images.map((image) => image.height));
  const width = Math.max(...images.map((image) => image.width));
  const name = layout.inputName;
  if (images.length === 1) return { name, datatype: 'FP32', shape: [1, channels, height, width], data: first.data };
  const plane = height * width;
  const data = new Float32Array(images.length * channels * plane);
  images.forEach((image, b) => {
    const sameSize = image.height === height && image.width === width;
    for (let c = 0; c < channels; c++) {
      const target = (b * channels + c) * plane;
      const source = c * image.height * image.width;
      if (sameSize) {
        data.set(image.data.subarray(source, source + plane), target);
        continue;
      }
      data.fill(normalisedValue(layout.padIntensity, layout.normalisation, c, channels), target, target + plane);
      for (let y = 0; y < image.height; y++) {
        const row = source + y * image.width;
        data.set(image.data.subarray(row, row + image.width), target + y * width);
      }
    }
  });
  return { name, datatype: 'FP32', shape: [images.length, channels, height, width], data };
}
