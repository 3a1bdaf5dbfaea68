import { readFileSync } from 'node:fs';
import { ServelabError } from '../../core/errors.js';

/**
 * Reading dataset files with one-line errors that name the file and what was expected, so a missing or
 * damaged package gives "dataset file X: expected Y" instead of a parser stack trace.
 */
export function readDatasetBytes(path: string, expected: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ServelabError(
      `dataset file ${path} cannot be read (${code ?? 'error'}): expected ${expected}`,
      'unavailable',
      { cause: error },
    );
  }
}

export function readDatasetJson(path: string, expected: string): unknown {
  const text = readDatasetBytes(path, expected).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw corruptDatasetFile(path, expected, `not valid JSON (${(error as Error).message})`);
  }
}

export function corruptDatasetFile(path: string, expected: string, found: string): ServelabError {
  return new ServelabError(`dataset file ${path} is corrupt: expected ${expected}, but it is ${found}`, 'invalid-input');
}

/** Parsed datasets live for the whole process: they are read-only and expensive to parse. */
const parsedDatasets = new Map<string, unknown>();

export function cachedDataset<T>(key: string, load: () => T): T {
  if (parsedDatasets.has(key)) return parsedDatasets.get(key) as T;
  const value = load();
  parsedDatasets.set(key, value);
  return value;
}
