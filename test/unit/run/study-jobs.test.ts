/** Study jobs carry ids only, keep the ids queues already hold, and are checked when they come back from a queue. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isServelabError } from '../../../src/core/errors.js';
import { jobConfiguration, jobId, parseStudyJob, unitJob } from '../../../src/run/study-jobs.js';

test('a unit job names its study, configuration key, model and repetition; ids are the ones earlier versions gave', () => {
  const job = unitJob('demo', { instances: 2, 'batching.enabled': true }, 'mnist-cnn', 1);
  assert.deepEqual(job, { kind: 'unit', studyId: 'demo', configurationKey: '{"batching.enabled":true,"instances":2}', model: 'mnist-cnn', repetition: 1 });
  assert.ok(JSON.stringify(job).length < 150, 'a job is a few ids, not the study');
  // A restarted driver of a newer version must not queue work a running queue already holds under the old id.
  assert.equal(jobId(job), 'unit-765f6b51f7120ea156410fac');
  assert.equal(jobId({ kind: 'capacity', studyId: 'demo', model: 'mnist-cnn', workload: 'mnist-digits' }), 'capacity-a9be74ae41f601bb2083646b');
  assert.equal(jobId(unitJob('demo', { instances: 2, 'batching.enabled': true }, 'mnist-cnn', 1)), jobId(unitJob('demo', { 'batching.enabled': true, instances: 2 }, 'mnist-cnn', 1)), 'knob order does not matter');
  assert.deepEqual(jobConfiguration(job), { 'batching.enabled': true, instances: 2 });
});

test('a job from a queue is checked: the old form carrying the whole study, missing ids and odd configuration keys are refused', () => {
  const job = { kind: 'unit', studyId: 'demo', configurationKey: '{"instances":2}', model: 'mnist-cnn', repetition: 0 };
  assert.deepEqual(parseStudyJob(job), job);
  assert.deepEqual(parseStudyJob({ kind: 'capacity', studyId: 'demo', model: 'm', workload: 'w' }), { kind: 'capacity', studyId: 'demo', model: 'm', workload: 'w' });
  const refused = (data: unknown, pattern: RegExp) =>
    assert.throws(() => parseStudyJob(data), (error: unknown) => isServelabError(error) && /^a study job must name its study and one capacity search or unit by ids/.test(error.message) && pattern.test(error.message));
  refused({ kind: 'unit', studyId: 'demo', study: { name: 'demo' }, configuration: { instances: 2 }, model: 'mnist-cnn', repetition: 0 }, /configurationKey: .*Unrecognized keys: "study", "configuration"/);
  refused({ ...job, study: { name: 'demo' } }, /Unrecognized key: "study"/);
  refused({ ...job, repetition: -1 }, /repetition: Too small/);
  refused({ kind: 'trial', studyId: 'demo' }, /kind: Invalid discriminator value/);
  refused('unit', /\(top level\): Invalid input: expected object/);

  const badKey = (configurationKey: string) =>
    assert.throws(() => jobConfiguration({ ...job, kind: 'unit', configurationKey }), /a unit job's configuration key must be a configuration as canonical JSON \(knob name to value\)/);
  badKey('{"instances":2');
  badKey('{"instances":[2]}');
  badKey('{"z":1,"a":2}'); // not canonical: the key of the same configuration is sorted
  badKey('[1,2]');
});
