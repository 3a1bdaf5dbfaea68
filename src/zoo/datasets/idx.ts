import { gunzipSync } from 'node:zlib';
import { corruptDatasetFile, readDatasetBytes } from './dataset-file.js';

/** IDX files as published for MNIST and Fashion-MNIST (big-endian header; magic 2051 images, 2049 labels). */
export interface IdxImages {
  readonly count: number;
  readonly rows: number;
  readonly columns: number;
  readonly pixels: Uint8Array;
}

const IMAGES_MAGIC = 2051;
const LABELS_MAGIC = 2049;

export function readIdxImages(path: string): IdxImages {
  const expected = 'a gzipped IDX image file (magic 2051, count, rows, columns, then uint8 pixels)';
  const bytes = gunzipDatasetFile(path, expected);
  if (bytes.length < 16) throw corruptDatasetFile(path, expected, `only ${bytes.length} bytes long`);
  const magic = bytes.readUInt32BE(0);
  if (magic !== IMAGES_MAGIC) throw corruptDatasetFile(path, expected, `starting with magic ${magic}`);
  const count = bytes.readUInt32BE(4);
  const rows = bytes.readUInt32BE(8);
  const columns = bytes.readUInt32BE(12);
  const size = 16 + count * rows * columns;
  if (bytes.length !== size) throw corruptDatasetFile(path, expected, `${bytes.length} bytes for ${count} images of ${rows}x${columns} (expected ${size})`);
  return { count, rows, columns, pixels: new Uint8Array(bytes.buffer, bytes.byteOffset + 16, count * rows * columns) };
}

export function readIdxLabels(path: string): Uint8Array {
  const expected = 'a gzipped IDX label file (magic 2049, count, then uint8 labels)';
  const bytes = gunzipDatasetFile(path, expected);
  if (bytes.length < 8) throw corruptDatasetFile(path, expected, `only ${bytes.length} bytes long`);
  const magic = bytes.readUInt32BE(0);
  if (magic !== LABELS_MAGIC) throw corruptDatasetFile(path, expected, `starting with magic ${magic}`);
  const count = bytes.readUInt32BE(4);
  if (bytes.length !== 8 + count) throw corruptDatasetFile(path, expected, `${bytes.length} bytes for ${count} labels`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset + 8, count);
}

function gunzipDatasetFile(path: string, expected: string): Buffer {
  const compressed = readDatasetBytes(path, expected);
  try {
    return gunzipSync(compressed);
  } catch (error) {
    throw corruptDatasetFile(path, expected, `not valid gzip (${(error as Error).message})`);
  }
}
