import type { Tensor } from '../../core/tensor.js';
import { channelStatistics, type GreyImage } from './image-ops.js';
import type { ImageNormalisation } from './types.js';

export interface ImageBatchLayout {
  readonly inputName: string;
  readonly channels: number;
  readonly normalisation: ImageNormalisation;
  /** Intensity (0..1, before normalisation) that fills the area right of and below smaller images. */
  readonly padIntensity: number;
}

/**
 * Stacks grey images into one planar [B, C, H, W] FP32 tensor, normalising on the way: the grey intensity goes
 * to every channel (a grey photo in RGB). Images of different sizes (text strips) are padded to the largest in
 * this batch only. Samples stay cached as grey planes (a third of the RGB size), and one pass writes the batch.
 */
export function stackImages(images: readonly GreyImage[], layout: ImageBatchLayout): Tensor {
  const { channels, normalisation } = layout;
  const height = Math.max(...images.map((image) => image.height));
  const width = Math.max(...images.map((image) => image.width));
  const plane = height * width;
  const data = new Float32Array(images.length * channels * plane);
  images.forEach((image, b) => {
    const pixels = image.pixels;
    const sameSize = image.height === height && image.width === width;
    for (let c = 0; c < channels; c++) {
      const [mean, std] = channelStatistics(normalisation, c, channels);
      const scale = 1 / std;
      const target = (b * channels + c) * plane;
      if (sameSize) {
        for (let i = 0; i < plane; i++) data[target + i] = (pixels[i]! - mean) * scale;
        continue;
      }
      data.fill((layout.padIntensity - mean) * scale, target, target + plane);
      for (let y = 0; y < image.height; y++) {
        const row = target + y * width;
        const source = y * image.width;
        for (let x = 0; x < image.width; x++) data[row + x] = (pixels[source + x]! - mean) * scale;
      }
    }
  });
  return { name: layout.inputName, datatype: 'FP32', shape: [images.length, channels, height, width], data };
}
