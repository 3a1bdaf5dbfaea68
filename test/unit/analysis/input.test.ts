import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeTrials } from '../../../src/analysis/analyze.js';
import { parseObjectives } from '../../../src/analysis/objectives.js';
import { parseTrialCsv } from '../../../src/analysis/source/csv-rows.js';
import { ServelabError } from '../../../src/core/errors.js';

const header = 'trial,knob.batch,knob.cache,ctx.model,ctx.workload,ctx.load,metric.p99_ms,metric.energy_j_per_inf';

function rejects(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ServelabError, `a ServelabError, got ${String(error)}`);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes('\n'), 'one line');
    return true;
  });
}

test('the analysis CSV: repetitions, knob types, quoted fields, states and validity', () => {
  const rows = parseTrialCsv([
    `${header},state,valid`,
    't1,1,false,"resnet50",images,light,10.5,0.2,completed,true',
    't1,1,false,resnet50,images,light,11.5,0.25,completed,true',
    't2,4,true,"res,net",images,light,,,failed,',
    't3,4,true,resnet50,images,light,9,0.1,completed,false',
  ].join('\r\n'));
  assert.equal(rows.length, 4);
  assert.deepEqual(rows[0]!.configuration, { batch: 1, cache: false });
  assert.deepEqual(rows.map((r) => r.repetition), [0, 1, 0, 0]);
  assert.equal(rows[2]!.context.model, 'res,net');
  assert.equal(rows[2]!.state, 'failed');
  assert.deepEqual(rows[2]!.metrics, {});
  assert.equal(rows[3]!.valid, false);
  const result = analyzeTrials(rows, { skipPrediction: true });
  assert.equal(result.excluded.failed, 1);
  assert.equal(result.excluded.invalid, 1);
  assert.equal(result.pareto[0]!.front[0]!.repetitions, 2);
  assert.equal(result.pareto[0]!.front[0]!.metrics.p99_ms, 11);
});

test('rows without a trial id are repetitions when knobs and context match', () => {
  const rows = parseTrialCsv([
    'knob.batch,ctx.model,metric.p99_ms,metric.energy_j_per_inf',
    '1,a,10,1', '1,a,12,1', '2,a,8,2', '1,b,10,1',
  ].join('\n'));
  assert.deepEqual(rows.map((r) => r.repetition), [0, 1, 0, 0]);
  assert.deepEqual(rows[3]!.context, { model: 'b', workload: '-', load: '-' });
});

test('malformed input gets a clear one-line error', () => {
  rejects(() => parseTrialCsv(''), /empty; expected a header row/);
  rejects(() => parseTrialCsv(`${header}\n`), /no trials; expected at least one data row/);
  rejects(() => parseTrialCsv('trial,ctx.model,metric.p99_ms\nt1,a,3'), /no knob columns; expected at least one column named knob\.<name>/);
  rejects(() => parseTrialCsv('trial,knob.batch,ctx.model\nt1,1,a'), /no metric columns/);
  rejects(() => parseTrialCsv(`${header}\nt1,1,false,m,w,l,fast,0.2`), /row 2, column metric\.p99_ms: expected a number, got 'fast'/);
  rejects(() => parseTrialCsv(`${header},colour\nt1,1,false,m,w,l,1,0.2,red`), /unexpected column\(s\) 'colour'/);
  rejects(() => parseTrialCsv(`${header}\nt1,1,false,m,w,l,1`), /row 2: has 7 fields; expected 8/);
  rejects(() => parseTrialCsv(`${header},state\nt1,1,false,m,w,l,1,2,done`), /column state: expected one of planned, running, completed, failed, got 'done'/);
  rejects(() => parseTrialCsv(`${header}\nt1,1,false,"m,w,l,1,2`), /unterminated quoted field/);
  rejects(() => analyzeTrials([]), /no trials to analyze/);
  const rows = parseTrialCsv(`${header}\nt1,1,false,m,w,l,1,2\nt2,2,true,m,w,l,2,1`);
  rejects(() => analyzeTrials(rows, { objectives: parseObjectives('latency_ms:min') }), /unknown objective 'latency_ms'; the metrics in this source are: energy_j_per_inf, p99_ms/);
  rejects(() => parseObjectives('p99_ms:fastest'), /direction 'fastest'; expected min or max/);
  rejects(() => parseObjectives(' , '), /--objectives is empty/);
  const failedOnly = parseTrialCsv(`${header},state\nt1,1,false,m,w,l,,,failed`);
  rejects(() => analyzeTrials(failedOnly), /no valid completed trials with metrics to analyze \(1 rows: 1 failed, 0 invalid, 0 incomplete\)/);
});

test('objectives default to p99 latency and energy per inference, with directions from the metric catalogue', () => {
  assert.deepEqual(parseObjectives('p99_ms,achieved_rps'), [{ metric: 'p99_ms', direction: 'min' }, { metric: 'achieved_rps', direction: 'max' }]);
  const rows = parseTrialCsv(`${header}\nt1,1,false,m,w,l,1,2\nt2,2,true,m,w,l,2,1`);
  assert.deepEqual(analyzeTrials(rows, { skipPrediction: true }).objectives, [{ metric: 'p99_ms', direction: 'min' }, { metric: 'energy_j_per_inf', direction: 'min' }]);
});

test('a knob some trials do not set (a conditional knob) becomes a categorical knob with an unset level', () => {
  const row = (trialId: string, configuration: Record<string, number | boolean>, p99: number) => ({
    trialId, configuration, context: { model: 'm', workload: 'w', load: 'l' }, repetition: 0, state: 'completed' as const, valid: true, metrics: { p99_ms: p99, energy_j_per_inf: 1 },
  });
  const result = analyzeTrials([
    row('a', { 'batching.enabled': false }, 10),
    row('b', { 'batching.enabled': true, 'batching.maxBatchSize': 8 }, 6),
    row('c', { 'batching.enabled': true, 'batching.maxBatchSize': 32 }, 7),
  ], { skipPrediction: true });
  assert.deepEqual(result.knobs.find((k) => k.name === 'batching.maxBatchSize'), { name: 'batching.maxBatchSize', kind: 'categorical', levels: ['32', '8', 'unset'] });
});

test('a CSV with CR-only line ends (classic Mac) is read like any other', () => {
  const lines = [`${header},state`, 't1,1,false,m,w,l,10,0.2,completed', 't1,1,false,m,w,l,11,0.3,completed', 't2,4,true,m,w,l,8,0.1,completed'];
  const plain = parseTrialCsv(lines.join('\r'), 'mac.csv');
  assert.equal(plain.length, 3);
  assert.deepEqual(plain.map((r) => r.metrics.p99_ms), [10, 11, 8]);
  assert.deepEqual(plain.map((r) => r.repetition), [0, 1, 0]);
  const quoted = parseTrialCsv(lines.join('\r').replace('t2,4,true,m', 't2,4,true,"m"'), 'mac.csv');
  assert.deepEqual(quoted.map((r) => r.context.model), ['m', 'm', 'm']);
  assert.deepEqual(quoted, plain);
});

test('a header of many unknown columns gets a short one-line error, not one as long as the file', () => {
  const garbage = Array.from({ length: 200 }, (_, i) => `column-${i}-${'x'.repeat(60)}`).join(',');
  assert.throws(() => parseTrialCsv(`${garbage}\n1,2`, 'garbage.csv'), (error: unknown) => {
    assert.ok(error instanceof ServelabError);
    assert.match(error.message, /^garbage\.csv: unexpected column\(s\) 'column-0-x+…', .* and 195 more; expected trial/);
    assert.ok(error.message.length < 500, `${error.message.length} characters`);
    assert.ok(!error.message.includes('\n'));
    return true;
  });
});

test('an objective column that exists but holds no number (NaN or empty throughout) gets its own error', () => {
  for (const cell of ['NaN', 'nan', '']) {
    const rows = parseTrialCsv(`${header}\nt1,1,false,m,w,l,${cell},2\nt2,2,true,m,w,l,${cell},1\nt3,2,true,m,w,l,,1`);
    rejects(
      () => analyzeTrials(rows, { objectives: parseObjectives('p99_ms:min,energy_j_per_inf:min'), skipPrediction: true }),
      /^objective 'p99_ms' has no numeric value in any of the 3 valid completed rows \(the column is empty or NaN throughout\); measured metrics: energy_j_per_inf$/,
    );
    // A metric that is not in the file at all is still an unknown objective.
    rejects(() => analyzeTrials(rows, { objectives: parseObjectives('latency_ms:min') }), /unknown objective 'latency_ms'/);
    // Without requested objectives the empty column is left out and named as such.
    const result = analyzeTrials(rows, { skipPrediction: true });
    assert.deepEqual(result.objectives.map((o) => o.metric), ['energy_j_per_inf']);
    assert.deepEqual(result.excluded.metricsLeftOut, ['p99_ms']);
  }
});
