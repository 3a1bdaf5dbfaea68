import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeTrials } from '../../../src/analysis/analyze.js';
import { colocationAnalysis } from '../../../src/analysis/colocation.js';
import { environmentKey, environmentParts } from '../../../src/analysis/prepare.js';
import { summaryText } from '../../../src/analysis/summary-text.js';
import { changeKind } from '../../../src/report/sections/transfer.js';
import { colocatedRows, PAIR } from '../../support/analysis/colocation-rows.js';

test('interference: the geometric mean ratio of p99 co-served to alone over matched pairs, with a t interval', () => {
  const analysis = colocationAnalysis(colocatedRows(1.5))!;
  const b = analysis.interference.find((estimate) => estimate.model === 'b')!;
  const a = analysis.interference.find((estimate) => estimate.model === 'a')!;
  assert.equal(b.coServed, PAIR);
  assert.equal(b.pairs, 12);
  assert.equal(b.configurations, 3);
  assert.ok(Math.abs(b.ratio - 1.5) < 1e-6, `b ratio ${b.ratio}`);
  assert.ok(b.ratioInterval![0] < 1.5 && b.ratioInterval![1] > 1.5 && b.ratioInterval![0] > 1, `b interval ${b.ratioInterval}`);
  assert.equal(b.significant, true);
  assert.ok(Math.abs(a.ratio - 1) < 1e-6, `a ratio ${a.ratio}`);
  assert.ok(a.ratioInterval![0] < 1 && a.ratioInterval![1] > 1, `a interval ${a.ratioInterval}`);
  assert.equal(a.significant, false, `a interval ${a.ratioInterval}`);
  assert.equal(analysis.interference.length, 2, 'models alone have no interference of their own');
});

test('consolidated deployments: the worst model\'s p99 against the mix\'s energy per inference, with a front per group', () => {
  const analysis = colocationAnalysis(colocatedRows(1.5))!;
  const pair = analysis.consolidated.filter((deployment) => deployment.coServed === PAIR);
  assert.equal(pair.length, 3);
  assert.ok(pair.every((deployment) => deployment.models === 2 && deployment.worstModel === 'b'));
  // More instances: lower energy per inference but a higher worst p99 here, so all three are Pareto-optimal.
  assert.ok(pair.every((deployment) => deployment.onFront));
  const alone = analysis.consolidated.filter((deployment) => deployment.coServed === 'a');
  assert.deepEqual(alone.filter((deployment) => deployment.onFront).map((deployment) => deployment.configuration.instances), [1], 'alone, one instance dominates');
});

test('a run missing a member, and co-served rows without a solo match, are left out and said so', () => {
  const rows = colocatedRows(1.2, 2).filter((row) => !(row.context.model === 'b' && row.context.coServed === 'b'));
  const dropped = rows.filter((row) => !(row.context.coServed === PAIR && row.context.model === 'a' && row.configuration.instances === 1));
  const analysis = colocationAnalysis(dropped)!;
  assert.equal(analysis.interference.some((estimate) => estimate.model === 'b'), false);
  assert.ok(analysis.notes.some((note) => /b served with a\+b: no valid run of b alone/.test(note)), analysis.notes.join('\n'));
  assert.equal(analysis.consolidated.some((deployment) => deployment.coServed === PAIR && deployment.configuration.instances === 1), false);
  assert.equal(colocationAnalysis(colocatedRows(1).map(({ context: { coServed: _c, ...context }, ...row }) => ({ ...row, context }))), undefined);
});

test('the group is part of the environment, so transfer compares a model alone with it co-served', () => {
  const alone = environmentKey({ model: 'b', workload: 'wb', load: 'l', coServed: 'b' });
  const together = environmentKey({ model: 'b', workload: 'wb', load: 'l', coServed: PAIR, machine: 'host-1' });
  assert.equal(alone, 'b|wb|l|alone');
  assert.equal(together, 'b|wb|l|with a+b|host-1');
  assert.deepEqual(environmentParts(together), { model: 'b', workload: 'wb', load: 'l', coServed: PAIR, machine: 'host-1' });
  assert.deepEqual(environmentParts(alone), { model: 'b', workload: 'wb', load: 'l', coServed: 'b' });
  assert.deepEqual(environmentParts('m|w|l|host-2'), { model: 'm', workload: 'w', load: 'l', machine: 'host-2' });
  assert.equal(environmentKey({ model: 'm', workload: 'w', load: 'l' }), 'm|w|l', 'studies without co-location keep their keys');
  assert.equal(changeKind({ source: alone, target: 'b|wb|l|with a+b' }), 'co-served');
  assert.equal(changeKind({ source: 'a|wa|l|alone', target: alone }), 'model + workload');

  const result = analyzeTrials(colocatedRows(1.5), { skipPrediction: true });
  assert.deepEqual(result.environments.map((environment) => environment.key).sort(), ['a|wa|poisson@light|alone', 'a|wa|poisson@light|with a+b', 'b|wb|poisson@light|alone', 'b|wb|poisson@light|with a+b']);
  assert.equal(result.environments.find((environment) => environment.key.endsWith('with a+b'))?.coServed, PAIR);
  assert.ok(result.colocation && result.colocation.interference.length === 2);
  assert.ok(result.transfer.some((pair) => changeKind(pair) === 'co-served'));
});

test('the analyze summary lists each model\'s interference with its interval', () => {
  const text = summaryText(analyzeTrials(colocatedRows(1.5), { skipPrediction: true }));
  assert.match(text, /Interference of co-located models/);
  assert.match(text, /\n {2}b +poisson@light +a\+b +12 +1\.5 \* +1\.\d+ to 1\.\d+/);
  assert.doesNotMatch(summaryText(analyzeTrials(colocatedRows(1.5).map(({ context: { coServed: _c, ...context }, ...row }) => ({ ...row, context })), { skipPrediction: true })), /Interference/);
});
