import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeSpan, escapeInline, inlineToHtml } from '../../../src/report/inline.js';
import { blockToMarkdown } from '../../../src/report/markdown.js';
import { configurationLabel, formatNumber, formatSignedPercent, metricTitle } from '../../../src/core/format.js';
import { scaleFor, scaleForGroups } from '../../../src/report/figures/render.js';

test('inline markup becomes HTML; data values are escaped, never interpreted', () => {
  assert.equal(inlineToHtml('**bold** and *em* and `a<b>` and [TF](https://x.org/a)'), '<strong>bold</strong> and <em>em</em> and <code>a&lt;b&gt;</code> and <a href="https://x.org/a">TF</a>');
  const hostile = escapeInline('<script>alert(1)</script> *x* |a| [y](javascript:z)');
  const html = inlineToHtml(hostile);
  assert.ok(!html.includes('<script'), html);
  assert.ok(!html.includes('<em>') && !html.includes('<a '), html);
  assert.ok(html.includes('&lt;script&gt;'));
  assert.equal(inlineToHtml('[x](javascript:alert)'), '<a href="#">x</a>', 'only http(s) and relative links survive');
  assert.equal(codeSpan('a`b'), "`a'b`");
});

test('tables become GitHub Markdown with numeric columns right-aligned and pipes escaped', () => {
  const markdown = blockToMarkdown({ kind: 'table', headers: ['model', 'p99'], rows: [[escapeInline('a|b'), '3.2']], numericColumns: [1], caption: 'cap' });
  assert.equal(markdown, '| model | p99 |\n|:---|---:|\n| a\\|b | 3.2 |\n\n*cap*');
  assert.equal(blockToMarkdown({ kind: 'table', headers: ['a'], rows: [] }), '| a |\n|:---|\n| *(none)* |');
});

test('numbers, metrics and configurations read naturally', () => {
  assert.equal(formatNumber(0.0123456), '0.0123');
  assert.equal(formatNumber(12345.6), '12,346');
  assert.equal(formatNumber(Number.NaN), '–');
  assert.equal(formatSignedPercent(-0.384), '−38%');
  assert.equal(metricTitle('p99_ms'), 'p99 latency (ms)');
  assert.equal(metricTitle('energy_j_per_inf'), 'energy per inference (J)');
  assert.equal(metricTitle('custom'), 'custom');
  assert.equal(configurationLabel({ threads: 2, batching: 4, cache: true }, ['batching']), 'batching=4, cache=true, threads=2');
});

test('log scales only where values span decades', () => {
  assert.equal(scaleFor([1, 2, 5, 9]).type, 'linear');
  assert.equal(scaleFor([0.5, 50]).type, 'log');
  assert.equal(scaleFor([0, 50, 5000]).type, 'linear', 'zero cannot go on a log axis');
  assert.equal(scaleForGroups([[1, 5], [100, 400]]).type, 'linear', 'each panel spans less than a decade');
  assert.equal(scaleForGroups([[1, 5], [1, 400]]).type, 'log');
});

test('figures embed at most a few thousand points, always keeping the ones that must show', async () => {
  const { thinPoints, thinnedNote } = await import('../../../src/report/figures/thin.js');
  const points = Array.from({ length: 10_000 }, (_, index) => index);
  const thinned = thinPoints(points, (point) => point % 1000 === 7, 100);
  assert.equal(thinned.points.length, 100);
  assert.equal(thinned.total, 10_000);
  for (let keep = 7; keep < 10_000; keep += 1000) assert.ok(thinned.points.includes(keep));
  assert.match(thinnedNote(thinned), /Showing 100 of 10,000 points/);
  assert.equal(thinPoints([1, 2, 3]).points.length, 3);
  assert.equal(thinnedNote(thinPoints([1, 2, 3])), '');
});

test('floating-point noise in measured text is rounded for reading', async () => {
  const { roundLongDecimals } = await import('../../../src/report/sections/loads.js');
  assert.equal(roundLongDecimals('until p99 > 175.82999999999998 ms or errors > 1.0%'), 'until p99 > 176 ms or errors > 1.0%');
});
