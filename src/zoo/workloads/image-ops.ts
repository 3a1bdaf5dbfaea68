import type { ImageNormalisation } from './types.js';

/** A grey image, intensities in 0..1, row-major. */
export interface GreyImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Float32Array;
}

interface AxisTable {
  readonly lower: Int32Array;
  readonly upper: Int32Array;
  readonly weight: Float32Array;
}

const axisTables = new Map<string, AxisTable>();

/**
 * Bilinear resize with half-pixel centres (align_corners=false, as PIL, OpenCV and torchvision do), done
 * separably: rows first, then columns, which is cheaper than four taps per output pixel when upscaling.
 */
export function resizeBilinear(image: GreyImage, width: number, height: number): GreyImage {
  if (image.width === width && image.height === height) return image;
  const xs = axisTable(image.width, width);
  const ys = axisTable(image.height, height);
  const src = image.pixels;
  const rows = new Float32Array(image.height * width);
  for (let y = 0; y < image.height; y++) {
    const source = y * image.width;
    const target = y * width;
    for (let x = 0; x < width; x++) {
      const left = src[source + xs.lower[x]!]!;
      rows[target + x] = left + (src[source + xs.upper[x]!]! - left) * xs.weight[x]!;
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const top = ys.lower[y]! * width;
    const bottom = ys.upper[y]! * width;
    const wy = ys.weight[y]!;
    const target = y * width;
    for (let x = 0; x < width; x++) {
      const upper = rows[top + x]!;
      out[target + x] = upper + (rows[bottom + x]! - upper) * wy;
    }
  }
  return { width, height, pixels: out };
}

/** Source neighbours and weights per destination column/row, computed once per size pair. */
function axisTable(sourceSize: number, targetSize: number): AxisTable {
  const key = `${sourceSize}>${targetSize}`;
  const cached = axisTables.get(key);
  if (cached) return cached;
  const lower = new Int32Array(targetSize);
  const upper = new Int32Array(targetSize);
  const weight = new Float32Array(targetSize);
  const scale = sourceSize / targetSize;
  for (let i = 0; i < targetSize; i++) {
    const position = Math.min(sourceSize - 1, Math.max(0, (i + 0.5) * scale - 0.5));
    lower[i] = Math.floor(position);
    upper[i] = Math.min(sourceSize - 1, lower[i]! + 1);
    weight[i] = position - lower[i]!;
  }
  const table = { lower, upper, weight };
  axisTables.set(key, table);
  return table;
}

const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

/** Per-channel mean and standard deviation; with one channel ImageNet statistics use the mean of the three. */
export function channelStatistics(normalisation: ImageNormalisation, channel: number, channels: number): [number, number] {
  switch (normalisation) {
    case 'unit':
      return [0, 1];
    case 'paddle':
      return [0.5, 0.5];
    case 'imagenet':
      if (channels === 3) return [IMAGENET_MEAN[channel]!, IMAGENET_STD[channel]!];
      return [average(IMAGENET_MEAN), average(IMAGENET_STD)];
  }
}

function average(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
