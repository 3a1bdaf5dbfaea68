import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStudy, parseStudy } from '../../../src/plan/study-schema.js';
import { StudyValidationError } from '../../../src/plan/schema-issues.js';
import { ServelabError } from '../../../src/core/errors.js';
import { spaceSize } from '../../../src/core/space.js';

const MINIMAL = 'name: t\nmodels: [mnist-cnn]\nworkloads: [mnist]\n';

function problemsOf(yamlText: string): string[] {
  try {
    parseStudy(yamlText);
  } catch (error) {
    assert.ok(error instanceof StudyValidationError, `expected StudyValidationError, got ${String(error)}`);
    assert.ok(error instanceof ServelabError);
    return [...error.problems];
  }
  assert.fail('expected the study to be rejected');
}

test('a minimal study gets the documented defaults', () => {
  const study = parseStudy(MINIMAL);
  assert.deepEqual(study.target, { kind: 'embedded' });
  assert.equal(study.seed, 1);
  assert.equal(study.repetitions, 1);
  assert.equal(study.trialTimeoutMs, 600_000);
  assert.deepEqual(study.sampler, { kind: 'full-factorial' });
  assert.deepEqual(study.objectives, [
    { metric: 'p99_ms', direction: 'min' },
    { metric: 'energy_j_per_inf', direction: 'min' },
  ]);
  assert.deepEqual(study.load.points, [{ label: 'poisson@medium', pattern: 'poisson', level: 'medium' }]);
  assert.equal(study.load.durationMs, 20_000);
  assert.equal(study.load.capacity.fractions.high, 0.9);
  assert.deepEqual(study.knobs, {});
  assert.equal(spaceSize(study.space), 1);
});

test('nested knobs flatten to dotted names and ranges are discretized', () => {
  const study = parseStudy(`${MINIMAL}
knobs:
  instances: [2, 1, 2]
  batching:
    enabled: [false, true]
    maxBatchSize: { range: [1, 64], scale: pow2 }
    maxQueueDelayUs: { range: [0, 1000], scale: linear, levels: 3 }
    preferredBatchSizes: [[], [8, 4, 8], "16"]
  os.cpuQuota: { range: [0.25, 1], levels: 4 }
  ort:
    executionMode: { values: [sequential, parallel] }
  cache.enabled: true
`);
  assert.deepEqual(study.knobs, {
    instances: [1, 2],
    'batching.enabled': [false, true],
    'batching.maxBatchSize': [1, 2, 4, 8, 16, 32, 64],
    'batching.maxQueueDelayUs': [0, 500, 1000],
    'batching.preferredBatchSizes': ['', '4,8', '16'],
    'os.cpuQuota': [0.25, 0.5, 0.75, 1],
    'ort.executionMode': ['sequential', 'parallel'],
    'cache.enabled': [true],
  });
  assert.equal(spaceSize(study.space), 2 * 2 * 7 * 3 * 3 * 4 * 2 * 1);
  assert.equal(study.space.knobs.find((knob) => knob.name === 'batching.enabled')?.kind, 'boolean');
  assert.equal(study.space.knobs.find((knob) => knob.name === 'ort.executionMode')?.kind, 'categorical');
});

test('every problem is reported at once, each with its path and the offending value', () => {
  const problems = problemsOf(`
name: t
modls: [x]
workloads: []
knobs:
  batching:
    maxBatchSize: [1, -4]
  batchng: { maxBatchSize: [1] }
  ort.executionMode: [fast]
  instances: { range: [8, 1], scale: linear, levels: 3 }
objectives: [{ metric: p99ms }]
sampler: { kind: lhs, budgett: 3 }
`);
  const expected = [
    'models: required (expected a list of models)',
    'workloads: expected at least one workload, got []',
    'knobs.batching.maxBatchSize: expected a positive integer, got -4',
    "knobs.batchng.maxBatchSize: unknown knob 'batchng.maxBatchSize'",
    "knobs.ort.executionMode: expected one of sequential, parallel, got 'fast'",
    'knobs.instances: range: low <= high must hold, but got (low=8, high=1)',
    'objectives[0].metric: expected a metric name',
    "sampler: unknown key 'budgett' (expected one of: kind, budget, initial, resolution)",
    "(top level): unknown key 'modls'",
  ];
  for (const start of expected) {
    assert.ok(problems.some((problem) => problem.startsWith(start)), `missing "${start}" in:\n${problems.join('\n')}`);
  }
  assert.equal(problems.length, expected.length, problems.join('\n'));
  assert.match(problems.find((problem) => problem.includes('unknown knob'))!, /known knobs: instances, ort\.intraOpThreads, .*os\.cpuQuota/);
});

test('bad ranges and level types are explained per knob', () => {
  const problems = problemsOf(`${MINIMAL}
knobs:
  cache.enabled: { range: [0, 1], levels: 2 }
  batching.maxQueueDelayUs: { range: [0, 100], scale: log, levels: 3 }
  ort.intraOpThreads: { range: [1, 8], scale: cubic, levels: 3 }
  os.cpuQuota: [0.5, 1.5]
  instances: { range: [1, 8] }
  batching.preferredBatchSizes: [4, 8]
  cache.capacityMb: []
`);
  const has = (pattern: RegExp) => assert.ok(problems.some((problem) => pattern.test(problem)), `no ${pattern} in:\n${problems.join('\n')}`);
  has(/^knobs\.cache\.enabled: a range needs a numeric knob, but cache\.enabled takes boolean levels$/);
  has(/^knobs\.batching\.maxQueueDelayUs: range: a log scale needs low > 0, but got low=0$/);
  has(/^knobs\.ort\.intraOpThreads\.scale: expected one of linear, log, pow2, got 'cubic'$/);
  has(/^knobs\.os\.cpuQuota: expected a number in \(0, 1\], got 1\.5$/);
  has(/^knobs\.instances: levels: a linear scale needs a level count/);
  has(/^knobs\.batching\.preferredBatchSizes: each level of batching\.preferredBatchSizes is a list/);
  has(/^knobs\.cache\.capacityMb: expected at least one level/);
  assert.equal(problems.length, 7, problems.join('\n'));
});

test('load patterns resolve to labelled load points and wrong combinations are rejected', () => {
  const study = parseStudy(`${MINIMAL}
load:
  patterns:
    - { pattern: poisson, levels: [light, high] }
    - { pattern: constant, rates: [200] }
    - { pattern: closed, concurrency: [1, 8], thinkTime: 5ms }
  duration: 30s
  warmupMs: 2000
  capacity: { fractions: { light: 0.2 }, maxP99Ms: 100, stepDuration: 2s }
`);
  assert.deepEqual(study.load.points.map((point) => point.label), ['poisson@light', 'poisson@high', 'constant@200rps', 'closed@1', 'closed@8']);
  assert.equal(study.load.points[3]?.thinkTimeMs, 5);
  assert.equal(study.load.durationMs, 30_000);
  assert.equal(study.load.warmupMs, 2_000);
  assert.deepEqual(study.load.capacity.fractions, { light: 0.2, medium: 0.6, high: 0.9, overload: 1.2 });
  assert.equal(study.load.capacity.stepDurationMs, 2_000);

  const problems = problemsOf(`${MINIMAL}
load: { pattern: closed, levels: [light], duration: 20s, durationMs: 5 }
`);
  assert.ok(problems.includes('load.duration: give either duration or durationMs, not both'), problems.join('\n'));
  assert.ok(problems.some((problem) => problem.startsWith('load: a closed-loop pattern takes concurrency')), problems.join('\n'));
  assert.ok(problems.some((problem) => problem.startsWith('load: a closed-loop pattern needs concurrency')), problems.join('\n'));
  assert.deepEqual(problemsOf(`${MINIMAL}load: { pattern: poisson, levels: [heavy] }\n`), [
    "load.levels[0]: expected one of light, medium, high, overload, got 'heavy'",
  ]);
  assert.deepEqual(problemsOf(`${MINIMAL}trialTimeout: soon\n`), ["trialTimeout: expected a duration like 500ms, 30s or 2m, got 'soon'"]);
});

test('objectives take their default direction from the metric and constraints need a bound', () => {
  const study = parseStudy(`${MINIMAL}objectives: [{ metric: achieved_rps }, { metric: p99_ms }]\nconstraints: [{ metric: error_rate, max: 0.01 }]\n`);
  assert.deepEqual(study.objectives, [
    { metric: 'achieved_rps', direction: 'max' },
    { metric: 'p99_ms', direction: 'min' },
  ]);
  assert.deepEqual(problemsOf(`${MINIMAL}constraints: [{ metric: p99_ms }]\n`), ['constraints[0]: a constraint needs min or max']);
  assert.deepEqual(problemsOf(`${MINIMAL}objectives: [{ metric: p99_ms }, { metric: p99_ms, direction: min }]\n`), [
    "objectives[1].metric: objective 'p99_ms' is listed twice",
  ]);
});

test('sampler settings are checked against the kind and the space size', () => {
  const knobs = 'knobs: { instances: [1, 2], batching.enabled: [false, true] }\n';
  assert.deepEqual(problemsOf(`${MINIMAL}${knobs}sampler: { kind: random }\n`), [
    'sampler.budget: required for kind random: the number of configurations to try (space has 4)',
  ]);
  assert.deepEqual(problemsOf(`${MINIMAL}${knobs}sampler: { kind: lhs, budget: 9 }\n`), [
    'sampler.budget: expected at most the space size (4 configurations), got 9',
  ]);
  assert.deepEqual(problemsOf(`${MINIMAL}${knobs}sampler: { kind: full-factorial, budget: 2 }\n`), [
    'sampler.budget: full-factorial has no budget: its design fixes the number of configurations',
  ]);
  assert.deepEqual(problemsOf(`${MINIMAL}${knobs}sampler: { kind: adaptive, budget: 3, initial: 4 }\n`), [
    'sampler.initial: expected at most the budget (3), got 4',
  ]);
  assert.deepEqual(problemsOf(`${MINIMAL}knobs: { instances: [1, 2] }\nsampler: { kind: fractional-factorial, resolution: 5 }\n`), [
    'sampler.resolution: expected 3 or 4, got 5',
  ]);
  assert.deepEqual(problemsOf(`${MINIMAL}knobs: { instances: [1, 2] }\nsampler: { kind: fractional-factorial }\n`), [
    'sampler.kind: a fractional factorial needs at least two knobs with two or more levels',
  ]);
  assert.equal(parseStudy(`${MINIMAL}${knobs}sampler: { kind: adaptive, budget: 3, initial: 2 }\n`).sampler.initial, 2);
});

test('knobs are checked against what the target can apply', () => {
  const external = `${MINIMAL}target:
  kind: external
  url: http://127.0.0.1:{port}
  protocol: tfserving-http
  launch:
    command: tensorflow_model_server --rest_api_port={port} --enable_batching={batching.enabled} --x={custom.flag} --y={nope}
    startupTimeout: 90s
    readyUrl: http://127.0.0.1:{port}/v1/models/{model}
`;
  const study = parseStudy(`${external.replace(' --y={nope}', '')}knobs: { batching.enabled: [false, true], custom.flag: [a, b], os.cpuCores: [1, 2] }\n`);
  assert.equal(study.target.kind, 'external');
  assert.equal(study.target.kind === 'external' ? study.target.launch?.startupTimeoutMs : 0, 90_000);

  assert.deepEqual(problemsOf(`${external}knobs: { batching.enabled: [false, true], custom.flag: [1], instances: [1, 2] }\n`), [
    'target.launch.command: placeholder {nope} is neither a knob of this study nor one of port, grpcPort, host, model, models, modelPath',
    "knobs.instances: not used by target.launch.command: an external server receives 'instances' only through a {instances} placeholder",
  ]);
  assert.deepEqual(problemsOf(`${external.replace(' --y={nope}', '').replace('{model}', '{modle}')}knobs: { batching.enabled: [true], custom.flag: [1] }\n`), [
    'target.launch.readyUrl: placeholder {modle} is neither a knob of this study nor one of port, grpcPort, host, model, models, modelPath',
  ]);
  assert.deepEqual(
    problemsOf(`${MINIMAL}target: { kind: external, url: "http://127.0.0.1:8501", protocol: kserve-http }\nknobs: { protocol: [kserve-http, kserve-grpc], instances: [1, 2] }\n`),
    ["knobs.instances: an external target without target.launch can only vary the client protocol; 'instances' needs servelab to launch the server"],
  );
  assert.deepEqual(problemsOf(`${MINIMAL}knobs: { custom.flag: [1, 2] }\n`), [
    "knobs.custom.flag: custom knobs only reach an external target's launch command; the embedded server has no 'custom.flag'",
  ]);
  assert.deepEqual(problemsOf(`${MINIMAL}protocol: kserve-grpc\nknobs: { protocol: [kserve-http] }\n`), [
    'protocol: the protocol is also a knob (knobs.protocol); give it in one place only',
  ]);
  assert.deepEqual(problemsOf(`${MINIMAL}knobs: { batching: { maxBatchSize: [4, 8], preferredBatchSizes: [[4], [4, 16]] } }\n`), [
    'knobs.batching.preferredBatchSizes: preferred batch sizes must be <= batching.maxBatchSize (at most 8 here), but got [4,16]',
  ]);
  assert.deepEqual(problemsOf(`${MINIMAL}target: { kind: remote }\n`), ["target.kind: expected kind: embedded or kind: external, got 'remote'"]);
});

test('YAML syntax errors name the line; loadStudy reads files and reports missing ones', async (t) => {
  assert.throws(() => parseStudy('name: t\nmodels: [a\n', 'bad.yaml'), (error: unknown) => {
    assert.ok(error instanceof ServelabError);
    assert.match(error.message, /^invalid study bad\.yaml:\d+:\d+: not valid YAML/);
    return true;
  });
  assert.throws(() => parseStudy('- just\n- a list\n'), /expected a YAML mapping/);
  const dir = await mkdtemp(join(tmpdir(), 'servelab-study-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'study.yaml');
  await writeFile(path, `${MINIMAL}knobs: { instances: [1, 2] }\n`);
  assert.equal(spaceSize((await loadStudy(path)).space), 2);
  await assert.rejects(loadStudy(join(dir, 'missing.yaml')), (error: unknown) => error instanceof ServelabError && error.code === 'not-found');
  await writeFile(path, 'name: t\nmodels: [m]\nworkloads: [w]\nseed: -1\n');
  await assert.rejects(loadStudy(path), new RegExp(`invalid study ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(1 problem\\):\\n  - seed: expected a non-negative integer, got -1`));
});
