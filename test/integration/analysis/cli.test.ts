import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runServelab, type CliResult } from '../../support/cli.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = fileURLToPath(new URL('../../support/analysis/fixtures/small-study.csv', import.meta.url));

/** Run from the repository root, as a user in a clone would. */
function servelab(args: readonly string[]): Promise<CliResult> {
  return runServelab(args, { cwd: root });
}

test('servelab analyze prints the summary and writes the JSON result', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-analyze-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'analysis.json');
  const run = await servelab(['analyze', fixture, '--objectives', 'p99_ms:min,energy_j_per_inf:min', '--json', out]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Findings \(ranked by effect size and surprise\)\n {2}1\. /);
  assert.match(run.stdout, /Pareto fronts/);
  const json = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
  for (const key of ['pareto', 'effects', 'transfer', 'prediction', 'findings', 'objectives', 'environments', 'excluded']) assert.ok(key in json, key);
});

test('servelab analyze reports bad input in one line and exits 1', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-analyze-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'trial,knob.batch,metric.p99_ms\nt1,1,slow\n');
  const cases: [string[], RegExp][] = [
    [['analyze', bad], /^servelab: .*bad\.csv row 2, column metric\.p99_ms: expected a number, got 'slow'\n$/],
    [['analyze', fixture, '--objectives', 'throughput:max'], /^servelab: unknown objective 'throughput'; the metrics in this source are: achieved_rps, energy_j_per_inf, p99_ms\n$/],
    [['analyze', join(dir, 'missing.csv')], /^servelab: cannot read analysis source .*missing\.csv/],
    [['analyze', join(dir, 'missing.db')], /^servelab: no study database at .*missing\.db/],
    [['analyze', fixture, '--study', 'x'], /^servelab: --study applies to study databases; a CSV holds one study\n$/],
    [['analyze', join(dir, 'study.txt')], /^servelab: cannot tell the format of analysis source .*study\.txt'; expected a study database \(\.db, \.sqlite\).* or a CSV \(\.csv\)\n$/],
  ];
  for (const [args, pattern] of cases) {
    const run = await servelab(args);
    assert.equal(run.code, 1, `${args.join(' ')} exits 1`);
    assert.match(run.stderr, pattern);
  }
});
