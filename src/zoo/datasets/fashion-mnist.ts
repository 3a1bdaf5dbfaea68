import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cachedDataset, corruptDatasetFile } from './dataset-file.js';
import { readIdxImages, readIdxLabels } from './idx.js';
import type { DatasetAvailability, ImageDataset, ImageSample } from './types.js';

/** Where Debian's `dataset-fashion-mnist` package installs the gzipped IDX files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
const IMAGES_FILE = 't10k-images-idx3-ubyte.gz';
const LABELS_FILE = 't10k-labels-idx1-ubyte.gz';
const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

export function fashionMnistDir(): string {
  return process.env.SERVELAB_FASHION_MNIST_DIR ?? DEBIAN_FASHION_MNIST_DIR;
}

export function fashionMnistAvailability(dir = fashionMnistDir()): DatasetAvailability {
  if (existsSync(join(dir, IMAGES_FILE)) && existsSync(join(dir, LABELS_FILE))) return { available: true };
  return {
    available: false,
    reason: `Fashion-MNIST not found: expected ${join(dir, IMAGES_FILE)} from the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist)`,
  };
}

/** The 10,000 Fashion-MNIST test images (28x28 grey, 10 classes) from Debian's dataset-fashion-mnist. */
export function loadFashionMnist(dir = fashionMnistDir()): ImageDataset {
  return cachedDataset(`fashion-mnist:${dir}`, () => {
    const imagesPath = join(dir, IMAGES_FILE);
    const images = readIdxImages(imagesPath);
    const labels = readIdxLabels(join(dir, LABELS_FILE));
    if (labels.length !== images.count) {
      throw corruptDatasetFile(imagesPath, `as many images as ${LABELS_FILE} has labels (${labels.length})`, `holding ${images.count}`);
    }
    const pixelsPerImage = images.rows * images.columns;
    const intensities = new Float32Array(images.pixels.length);
    for (let i = 0; i < intensities.length; i++) intensities[i] = images.pixels[i]! / 255;
    const samples: ImageSample[] = [];
    for (let i = 0; i < images.count; i++) {
      samples.push({ pixels: intensities.subarray(i * pixelsPerImage, (i + 1) * pixelsPerImage), label: labels[i]! });
    }
    return { name: 'fashion-mnist', width: images.columns, height: images.rows, classes: CLASSES, samples };
  });
}
