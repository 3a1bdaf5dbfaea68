import { test } from 'node:test';
import assert from 'node:assert/strict';
import ort from 'onnxruntime-node';
import { resolveModel } from '../../../src/zoo/models/registry.js';
import { ZOO_MODEL_INPUTS } from '../../../src/zoo/workloads/model-conventions.js';
import { zooModelInputs } from '../../../src/zoo/workloads/model-catalogue.js';
import { getWorkload, listWorkloads } from '../../../src/zoo/workloads/registry.js';
import { feeds, specsOf } from '../../support/zoo-workloads/ort-feeds.js';

const models = await zooModelInputs();
const cardProblems = new Map(models.filter((m) => m.cardProblem).map((m) => [m.name, m.cardProblem!]));

test('the zoo cards agree with the input conventions workloads are written against', () => {
  for (const model of models) {
    if (model.from !== 'card') continue;
    const convention = ZOO_MODEL_INPUTS[model.name];
    if (!convention) continue;
    for (const info of listWorkloads()) {
      const workload = getWorkload(info.name);
      assert.equal(workload.fits(model.inputs).ok, workload.fits(convention).ok, `${info.name} vs ${model.name}: card ${JSON.stringify(model.inputs)}`);
    }
  }
});

for (const info of listWorkloads()) {
  const workload = getWorkload(info.name);
  for (const model of workload.describe(undefined, { models }).fitsModels) {
    const skip = !info.availability.available ? info.availability.reason : cardProblems.get(model) ?? false;
    test(`${info.name} runs one real inference through zoo model ${model}`, { skip }, async () => {
      const { path } = await resolveModel(model);
      const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1 });
      const specs = specsOf(session);
      assert.deepEqual(workload.fits(specs), { ok: true }, `fits the session's own metadata ${JSON.stringify(specs)}`);
      const outputs = await session.run(feeds(workload.createSampleStream(specs, { seed: 1, modelName: model }).next()));
      const first = outputs[session.outputNames[0]!]!;
      assert.equal(first.dims[0], 1);
      assert.ok((first.data as Float32Array).every(Number.isFinite), 'finite outputs');
    });
  }
}
