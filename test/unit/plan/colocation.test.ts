import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrialRow } from '../../../src/core/trial.js';
import { coServedName, modelWorkloadPairs } from '../../../src/plan/colocation.js';
import { outcomesFromRows } from '../../../src/plan/outcomes.js';
import { StudyValidationError } from '../../../src/plan/schema-issues.js';
import { parseStudy } from '../../../src/plan/study-schema.js';
import { planLaunch } from '../../../src/run/launch.js';
import { interleavedUnits } from '../../../src/run/run-order.js';
import { planStudyTime } from '../../../src/run/study-time-plan.js';
import { jobId, parseStudyJob, unitJob } from '../../../src/run/study-jobs.js';
import { trialId, trialLabel, trialsOf, trialsPerConfiguration, unitKeyOf } from '../../../src/run/trial-plan.js';
import { repetitionCv } from '../../../src/store/status.js';

const COLOCATED = `
name: co
models: [mnist-cnn, sentiment-cls, lstm-forecaster]
workloads: [mnist-digits, sentiment-sentences, seattle-weather]
colocation:
  groups: [[mnist-cnn], [sentiment-cls, mnist-cnn], [mnist-cnn, sentiment-cls, lstm-forecaster]]
  workloads: { mnist-cnn: mnist-digits, sentiment-cls: sentiment-sentences, lstm-forecaster: seattle-weather }
knobs: { instances: [1, 2] }
load: { pattern: poisson, rates: [50, 100], duration: 14s, warmup: 1s }
repetitions: 2
`;

function problemsOf(yamlText: string): string[] {
  try {
    parseStudy(yamlText);
  } catch (error) {
    assert.ok(error instanceof StudyValidationError, String(error));
    return [...error.problems];
  }
  assert.fail('expected the study to be rejected');
}

test('co-located groups are named by their sorted models and each model keeps its own workload', () => {
  const study = parseStudy(COLOCATED);
  assert.deepEqual(
    study.colocation?.groups.map((group) => group.name),
    ['mnist-cnn', 'mnist-cnn+sentiment-cls', 'lstm-forecaster+mnist-cnn+sentiment-cls'],
  );
  assert.deepEqual(study.colocation?.groups[1]?.models, ['sentiment-cls', 'mnist-cnn'], 'the study order is kept for serving');
  assert.equal(coServedName(['b', 'a']), coServedName(['a', 'b']));
  assert.deepEqual(modelWorkloadPairs(study), [
    { model: 'mnist-cnn', workload: 'mnist-digits' },
    { model: 'sentiment-cls', workload: 'sentiment-sentences' },
    { model: 'lstm-forecaster', workload: 'seattle-weather' },
  ]);
});

test('a model left out of colocation.workloads uses the study\'s only workload', () => {
  const study = parseStudy('name: c\nmodels: [mnist-cnn, resnet18]\nworkloads: [mnist-digits]\ncolocation: { groups: [[mnist-cnn], [mnist-cnn, resnet18]] }\n');
  assert.deepEqual(study.colocation?.workloads, { 'mnist-cnn': 'mnist-digits', resnet18: 'mnist-digits' });
});

test('a study without colocation pairs every model with every workload, as before', () => {
  const study = parseStudy('name: p\nmodels: [a, b]\nworkloads: [w, v]\n');
  assert.equal(study.colocation, undefined);
  assert.equal(modelWorkloadPairs(study).length, 4);
  const [first] = trialsOf(study, {});
  assert.equal(first?.context.coServed, undefined);
  // The ids of studies without co-location do not change: the group joins the id only when there is one.
  assert.equal(trialId('p', {}, { model: 'a', workload: 'w', load: 'poisson@medium' }, 0), first?.trialId);
});

test('unknown models, empty and repeated groups, ungrouped models and missing workloads are each reported', () => {
  const problems = problemsOf(`
name: bad
models: [mnist-cnn, sentiment-cls, lstm-forecaster]
workloads: [mnist-digits, sentiment-sentences]
colocation:
  groups: [[mnist-cnn, resnet18], [mnist-cnn, mnist-cnn], [sentiment-cls, resnet18], [resnet18, sentiment-cls]]
  workloads: { mnist-cnn: mnist-digits, sentiment-cls: fashion }
`);
  const text = problems.join('\n');
  assert.match(text, /colocation\.groups\[0\]: model 'resnet18' is not one of the study's models/);
  assert.match(text, /colocation\.groups\[1\]: a group serves each model once, but 'mnist-cnn' is listed twice/);
  assert.match(text, /colocation\.groups\[3\]: the same models as group 2/);
  assert.match(text, /model 'lstm-forecaster' is in no group/);
  assert.match(text, /colocation\.workloads\.sentiment-cls: workload 'fashion' is not one of the study's workloads/);
  assert.match(problemsOf('name: e\nmodels: [a]\nworkloads: [x]\ncolocation: { groups: [[a], []] }\n').join('\n'), /colocation\.groups\[1\]: expected at least one model in a group/);
  assert.deepEqual(problemsOf('name: w\nmodels: [a, b]\nworkloads: [x, y]\ncolocation: { groups: [[a, b]] }\n').length, 2, 'a and b each need a workload');
  assert.match(problemsOf('name: w\nmodels: [a]\nworkloads: [x]\ncolocation: { groups: [] }\n').join('\n'), /expected at least one group/);
  assert.match(problemsOf('name: w\nmodels: [a]\nworkloads: [x]\ncolocation: { groups: [[a]], extra: 1 }\n').join('\n'), /unknown key 'extra'/);
});

test('trials: every group, each of its models at every load point; one unit (server) per group and repetition', () => {
  const study = parseStudy(COLOCATED);
  const trials = trialsOf(study, { instances: 2 });
  assert.equal(trials.length, 2 * (1 + 2 + 3) * 2);
  assert.equal(trialsPerConfiguration(study), trials.length);
  assert.equal(new Set(trials.map((trial) => trial.trialId)).size, trials.length, 'a model has its own trial in each group');
  const pair = trials.filter((trial) => trial.context.coServed === 'mnist-cnn+sentiment-cls' && trial.repetition === 0);
  assert.deepEqual(
    pair.map((trial) => `${trial.context.model}/${trial.context.workload}/${trial.context.load}`),
    ['sentiment-cls/sentiment-sentences/poisson@50rps', 'sentiment-cls/sentiment-sentences/poisson@100rps', 'mnist-cnn/mnist-digits/poisson@50rps', 'mnist-cnn/mnist-digits/poisson@100rps'],
  );
  assert.match(trialLabel(pair[0]!), /served with mnist-cnn\+sentiment-cls/);
  assert.doesNotMatch(trialLabel(trials[0]!), /served with/, 'a model alone is labelled as before');
  const units = interleavedUnits([{ configuration: { instances: 2 }, trials }], study.seed);
  assert.equal(units.length, 3 * 2, 'one server per group and repetition');
  assert.ok(units.every((unit) => new Set(unit.trials.map(unitKeyOf)).size === 1));
  assert.equal(units.find((unit) => unit.trials[0]!.context.coServed!.startsWith('lstm'))?.trials.length, 3 * 2);
});

test('a unit job names its group; its id differs from the first model alone', () => {
  const alone = unitJob('co', { instances: 1 }, 'mnist-cnn', 0);
  const together = unitJob('co', { instances: 1 }, 'mnist-cnn', 0, 'mnist-cnn+sentiment-cls');
  assert.notEqual(jobId(alone), jobId(together));
  assert.deepEqual(parseStudyJob(JSON.parse(JSON.stringify(together))), together);
  assert.equal('coServed' in alone, false);
});

test('the time plan counts one server and one mixed run per group', () => {
  const study = parseStudy(COLOCATED);
  const plan = planStudyTime(study);
  assert.equal(plan.servers, 2 * 2 * 3);
  assert.equal(plan.trials, 2 * 2 * 6 * 2);
});

test('one server serves the whole group: the embedded server gets every model, a launch template gets them as {models}', async () => {
  const study = parseStudy(COLOCATED);
  const embedded = await planLaunch(study, { instances: 2 }, 'sentiment-cls', 30_000, ['sentiment-cls', 'mnist-cnn']);
  try {
    assert.deepEqual(embedded.argv.slice(5, 7), ['--models', 'sentiment-cls,mnist-cnn']);
  } finally {
    embedded.cleanup();
  }
  const external = parseStudy(
    [
      'name: ext',
      'models: [resnet50, mobilenet]',
      'workloads: [mnist-digits]',
      'target: { kind: external, url: "http://127.0.0.1:{port}", protocol: tfserving-http, launch: { command: "tf_serving --models={models} --first={model} --rest_api_port={port}" } }',
      'colocation: { groups: [[resnet50], [resnet50, mobilenet]] }',
    ].join('\n'),
  );
  const launched = await planLaunch(external, {}, 'resnet50', 30_000, ['resnet50', 'mobilenet']);
  assert.match(launched.argv[2]!, /--models='resnet50,mobilenet' --first='resnet50'/);
  assert.equal(launched.readiness.kind === 'url' && launched.readiness.target.models.join(','), 'resnet50,mobilenet');
});

test('a model alone and co-served are different contexts for the sampler\'s outcomes and the repetition noise', () => {
  const row = (coServed: string, repetition: number, p99: number): TrialRow => ({
    trialId: `${coServed}-${repetition}`,
    configuration: { instances: 1 },
    context: { model: 'a', workload: 'w', load: 'l', coServed },
    repetition,
    state: 'completed',
    valid: true,
    metrics: { p99_ms: p99 },
  });
  const rows = [row('a', 0, 10), row('a', 1, 10), row('a+b', 0, 40), row('a+b', 1, 40)];
  const [outcome] = outcomesFromRows(rows, [{ metric: 'p99_ms', direction: 'min' }]);
  assert.ok(Math.abs((outcome?.metrics?.p99_ms ?? Number.NaN) - 20) < 1e-9, 'the geometric mean over the two contexts, each weighed once');
  assert.equal(repetitionCv(rows).p99_ms, 0, 'repetitions are compared within their own group only');
});
