import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { configurationKey } from '../../../src/core/space.js';
import type { TrialRow } from '../../../src/core/trial.js';
import { outcomesFromRows } from '../../../src/plan/outcomes.js';
import { parseCsv, parseRecordedStudy, readRecordedStudy } from '../../../src/plan/recorded-study.js';
import { ServelabError } from '../../../src/core/errors.js';

const CSV = [
  'trialId,state,valid,knob.instances,knob.batching.enabled,knob.protocol,ctx.model,ctx.workload,ctx.load,metric.p99_ms,metric.energy_j_per_inf',
  't1,completed,true,1,false,kserve-http,mnist-cnn,mnist,poisson@light,10,0.5',
  't2,completed,true,1,false,kserve-http,mnist-cnn,mnist,poisson@light,14,0.7',
  't3,completed,true,2,true,"kserve-grpc",mnist-cnn,mnist,poisson@light,8,0.9',
  't4,failed,false,4,true,kserve-grpc,mnist-cnn,mnist,poisson@light,,',
  't5,completed,true,1,false,kserve-http,mnist-cnn,mnist,poisson@high,30,0.3',
  't6,completed,false,2,false,kserve-http,mnist-cnn,mnist,poisson@light,20,1.5',
  '',
].join('\n');

test('CSV parsing follows RFC 4180 quoting', () => {
  assert.deepEqual(parseCsv('a,"b,c","d ""q"""\r\n1,"two\nlines",3\n'), [
    ['a', 'b,c', 'd "q"'],
    ['1', 'two\nlines', '3'],
  ]);
});

test('a recorded study groups rows by environment, averages repetitions and keeps failures', () => {
  const study = parseRecordedStudy(CSV);
  assert.deepEqual(study.metrics, ['p99_ms', 'energy_j_per_inf']);
  assert.deepEqual(
    study.space.knobs.map((knob) => [knob.name, knob.kind, knob.levels]),
    [
      ['instances', 'numeric', [1, 2, 4]],
      ['batching.enabled', 'boolean', [false, true]],
      ['protocol', 'categorical', ['kserve-grpc', 'kserve-http']],
    ],
  );
  assert.deepEqual(study.environments.map((environment) => environment.key), ['mnist-cnn|mnist|poisson@light', 'mnist-cnn|mnist|poisson@high']);
  const light = study.environments[0]!.results;
  const key = (instances: number, enabled: boolean, protocol: string) =>
    configurationKey({ instances, 'batching.enabled': enabled, protocol });
  assert.deepEqual(light.get(key(1, false, 'kserve-http')), { p99_ms: 12, energy_j_per_inf: 0.6 });
  assert.deepEqual(light.get(key(2, true, 'kserve-grpc')), { p99_ms: 8, energy_j_per_inf: 0.9 });
  assert.deepEqual(light.get(key(2, false, 'kserve-http')), { p99_ms: 20, energy_j_per_inf: 1.5 }, 'completed but INVALID still counts');
  assert.ok(light.has(key(4, true, 'kserve-grpc')));
  assert.equal(light.get(key(4, true, 'kserve-grpc')), undefined, 'a failed configuration has no metrics');
  assert.throws(() => parseRecordedStudy('a,b\n1,2\n', 'x.csv'), (error: unknown) => error instanceof ServelabError && /x\.csv: expected knob/.test(error.message));
});

test('readRecordedStudy reports a missing file', async () => {
  await assert.rejects(readRecordedStudy('/nonexistent/full-factorial.csv'), /cannot read recorded study/);
});

test('trial rows become one outcome per configuration: repetitions averaged, contexts combined by geometric mean', () => {
  const objectives = [{ metric: 'p99_ms', direction: 'min' as const }];
  const row = (id: string, configuration: Record<string, number>, load: string, p99: number | undefined, state: TrialRow['state'] = 'completed'): TrialRow => ({
    trialId: id,
    configuration,
    context: { model: 'm', workload: 'w', load },
    repetition: 0,
    state,
    valid: state === 'completed' && id !== 'c', // c: completed but INVALID (still measured)
    metrics: p99 === undefined ? {} : { p99_ms: p99 },
  });
  const outcomes = outcomesFromRows(
    [
      row('a', { instances: 1 }, 'light', 2),
      row('b', { instances: 1 }, 'light', 6),
      row('c', { instances: 1 }, 'high', 16),
      row('d', { instances: 2 }, 'light', undefined, 'failed'),
      row('e', { instances: 4 }, 'light', 3),
      row('f', { instances: 4 }, 'high', undefined, 'running'),
    ],
    objectives,
  );
  assert.equal(outcomes.length, 3);
  assert.equal(outcomes[0]!.state, 'completed');
  assert.ok(Math.abs(outcomes[0]!.metrics!.p99_ms! - Math.sqrt(4 * 16)) < 1e-9);
  assert.deepEqual(outcomes[1], { configuration: { instances: 2 }, state: 'failed' });
  assert.deepEqual(outcomes[2], { configuration: { instances: 4 }, state: 'pending' });
});

test('the samplers benchmark runs on a recorded CSV and labels its input', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'servelab-bench-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const rows = ['knob.a,knob.b,ctx.model,ctx.workload,ctx.load,metric.p99_ms,metric.energy_j_per_inf'];
  for (let a = 0; a < 6; a++) for (let b = 0; b < 6; b++) rows.push(`${a},${b},m,w,l,${1 + a + (b - 3) ** 2},${1 + (5 - a) + 0.5 * b}`);
  const path = join(dir, 'ff.csv');
  await writeFile(path, rows.join('\n'));
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/samplers.ts', '--csv', path, '--seeds', '2', '--fractions', '0.25'], {
    timeout: 60_000,
  });
  assert.match(stdout, new RegExp(`input: recorded study ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.match(stdout, /= 36 configurations; environments: 1/);
  assert.match(stdout, /^9 \(25%\)\t\d+\.\d \(\d+\.\d\)\t/m);
});
