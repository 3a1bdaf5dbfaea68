/**
 * The study worker reads its study from the store, validated again from the stored source text, and checks
 * every job against the study and the planned trials before it starts a server.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { isServelabError } from '../../../src/core/errors.js';
import { detectOsCapabilities } from '../../../src/knobs/detect.js';
import { parseStudy } from '../../../src/plan/study-schema.js';
import type { LoadDriver } from '../../../src/run/load-driver.js';
import { studyFromRecord } from '../../../src/run/stored-study.js';
import { unitJob } from '../../../src/run/study-jobs.js';
import { StudyWorker } from '../../../src/run/study-worker.js';
import { definitionHash, trialsOf } from '../../../src/run/trial-plan.js';
import { asAsyncStore, type AsyncResultsStore } from '../../../src/store/async-store.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';
import type { StudyRecord } from '../../../src/store/types.js';

const STUDY = `
name: worked
models: [mnist-cnn]
workloads: [mnist-digits]
knobs:
  instances: [1, 2]
load:
  pattern: constant
  rates: [40]
energy: { meter: estimate }
`;

async function storeWithStudy(t: TestContext, sourceText = STUDY): Promise<AsyncResultsStore> {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-worker-'));
  const store = asAsyncStore(openSqliteStore(join(dir, 'study.db')));
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const study = parseStudy(sourceText);
  await store.openStudy({ studyId: study.name, definitionHash: definitionHash(study), definition: study, sourceText, seed: study.seed });
  return store;
}

/** A driver that must not be reached: every refusal happens before a server or a load run. */
const unusedDriver: LoadDriver = {
  run: () => Promise.reject(new Error('no load run expected')),
  capacity: () => Promise.reject(new Error('no capacity search expected')),
};

test('the stored study is validated again from its source text and must hash to the stored definition', async (t) => {
  const store = await storeWithStudy(t);
  const [record] = await store.studies();
  assert.deepEqual(studyFromRecord(record!), parseStudy(STUDY));

  const refused = (changes: Partial<StudyRecord>, pattern: RegExp) => assert.throws(() => studyFromRecord({ ...record!, ...changes }), (error: unknown) => isServelabError(error) && pattern.test(error.message));
  refused({ sourceText: STUDY.replace('[1, 2]', '[1, 2, 4]') }, /^study 'worked': its stored source text reads as a different definition here than where the study was opened \(hash \w{12}, stored \w{12}\); run the same servelab version on every machine$/);
  refused({ sourceText: STUDY.replace('name: worked', 'name: other') }, /^study 'worked': its stored source text names the study 'other'; expected the same name$/);
  refused({ sourceText: 'name: worked\nmodels: []\n' }, /^invalid study 'worked' as stored/);
  const { sourceText: _dropped, ...withoutSource } = record!;
  assert.throws(() => studyFromRecord(withoutSource), /^ServelabError: study 'worked': the store holds no source text for it; expected a study opened by 'servelab explore'$/);
});

test('jobs are checked against the stored study and its planned trials before any server starts', async (t) => {
  const store = await storeWithStudy(t);
  const worker = new StudyWorker({ store, capabilities: detectOsCapabilities(), driver: unusedDriver, extras: { worker: { host: 'w1' } } });
  t.after(() => worker.close());
  await assert.rejects(worker.run(unitJob('worked', { instances: 2 }, 'mnist-cnn', 0)), (error: unknown) =>
    isServelabError(error) && /^trial t-\w+ \(mnist-cnn mnist-digits constant@40rps #0\) of study 'worked' is not planned in the store; expected the study driver to plan a unit's trials before queueing it$/.test(error.message),
  );
  await store.planTrials(trialsOf(parseStudy(STUDY), { instances: 2 }));
  await assert.rejects(worker.run(unitJob('worked', { instances: 2 }, 'resnet', 0)), /a unit job of study 'worked' names model resnet, repetition 0; expected one of its models and a repetition below 1/);
  await assert.rejects(worker.run(unitJob('worked', { instances: 2 }, 'mnist-cnn', 1)), /repetition 1; expected one of its models and a repetition below 1/);
  await assert.rejects(worker.run({ kind: 'capacity', studyId: 'worked', model: 'mnist-cnn', workload: 'imagenet' }), /a capacity job of study 'worked' names mnist-cnn with imagenet; expected one of its models with one of its workloads/);
  await assert.rejects(worker.run(unitJob('gone', { instances: 2 }, 'mnist-cnn', 0)), /no study 'gone' in this store; it holds: worked/);
  await store.saveCapacity('worked', { model: 'mnist-cnn', workload: 'mnist-digits', capacityRps: 50, method: 'elsewhere' });
  assert.deepEqual(await worker.run({ kind: 'capacity', studyId: 'worked', model: 'mnist-cnn', workload: 'mnist-digits' }), { recorded: 0, duplicates: 1 }, 'measured elsewhere already');

  // The machine's environment is recorded with the study once per worker, with the worker's facts.
  const environments = await store.environments('worked');
  assert.equal(environments.length, 1);
  assert.deepEqual(environments[0]!.details.worker, { host: 'w1' });
  const prepared = await worker.prepare('worked');
  assert.equal(prepared.settings.study, prepared.study);
  assert.equal((await store.environments('worked')).length, 1);
});
