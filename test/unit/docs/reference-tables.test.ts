import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { KNOB_CATALOG } from '../../../src/core/knobs.js';
import { METRICS } from '../../../src/core/metric.js';
import { knobsReference, levelTypeText, metricsReference, referencePages } from '../../../scripts/reference-tables.js';

const root = new URL('../../../', import.meta.url);

test('the committed reference pages equal what npm run docs:reference generates', () => {
  for (const [path, generated] of referencePages()) {
    const committed = readFileSync(new URL(path, root), 'utf8');
    assert.equal(committed, generated, `${path} is out of date with the vocabulary in src/core/: run npm run docs:reference`);
  }
});

test('each page starts with a line saying how it is generated', () => {
  for (const [path, generated] of referencePages()) {
    const firstLine = generated.split('\n')[0]!;
    assert.match(firstLine, /npm run docs:reference/, path);
  }
});

test('the knob page has one row per catalogued knob, with its scope and the emulated label', () => {
  const page = knobsReference();
  for (const [name, info] of Object.entries(KNOB_CATALOG)) {
    const line = page.split('\n').find((candidate) => candidate.startsWith(`| \`${name}\` |`));
    assert.ok(line, `no row for ${name}`);
    assert.ok(line.includes(` ${info.scope} `), `${name}: scope ${info.scope}`);
    assert.equal(line.includes('**emulated**'), 'emulated' in info, `${name}: emulated label`);
  }
});

test('the metric page has one row per metric, with its unit and direction', () => {
  const page = metricsReference();
  for (const [name, info] of Object.entries(METRICS)) {
    assert.ok(page.includes(`| \`${name}\` | ${info.unit} | ${info.better} |`), `no row for ${name}`);
  }
});

test('level types read as a study file writes them; enum bars are escaped so a table cell does not split', () => {
  assert.equal(levelTypeText({ kind: 'integer', min: 1 }), 'integer ≥ 1');
  assert.equal(levelTypeText({ kind: 'integer', min: 0, max: 8 }), 'integer in [0, 8]');
  assert.equal(levelTypeText({ kind: 'number', exclusiveMin: 0, max: 1 }), 'number in (0, 1]');
  assert.equal(levelTypeText({ kind: 'enum', values: ['pad', 'equal-length'] }), 'pad | equal-length');
  const row = knobsReference().split('\n').find((line) => line.startsWith('| `batching.variableLength` |'))!;
  assert.equal(row.split(/(?<!\\)\|/).length - 2, 5, 'five cells');
});
