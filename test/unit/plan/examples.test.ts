import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { spaceSize } from '../../../src/core/space.js';
import { loadStudy } from '../../../src/plan/study-schema.js';
import { createSampler } from '../../../src/plan/samplers/index.js';

const EXAMPLES = 'examples';

test('every example study file parses and its sampler can plan', async () => {
  const files = (await readdir(EXAMPLES)).filter((file) => file.endsWith('.yaml') || file.endsWith('.yml'));
  assert.ok(files.length >= 5, `examples: ${files.join(', ')}`);
  for (const file of files) {
    const study = await loadStudy(join(EXAMPLES, file));
    assert.equal(`${study.name}.yaml`, file, 'an example is named after its file');
    const sampler = createSampler(study.sampler, study.space, study.seed, study.objectives);
    assert.ok(sampler.plannedCount >= 1 && sampler.plannedCount <= spaceSize(study.space), file);
    assert.equal(sampler.ask([], 3).length, Math.min(3, sampler.plannedCount), file);
  }
});

test('the TF Serving example sweeps its launch command and the small example is a short full factorial', async () => {
  const tfs = await loadStudy(join(EXAMPLES, 'tfserving-batching.yaml'));
  assert.equal(tfs.target.kind, 'external');
  assert.match(tfs.target.kind === 'external' ? tfs.target.launch?.command ?? '' : '', /tensorflow_model_server .*--enable_batching=\{batching\.enabled\}/);
  assert.equal(spaceSize(tfs.space), 192);
  const small = await loadStudy(join(EXAMPLES, 'embedded-small.yaml'));
  assert.equal(small.target.kind, 'embedded');
  assert.equal(small.sampler.kind, 'full-factorial');
  assert.equal(spaceSize(small.space), 8);
  const screening = await loadStudy(join(EXAMPLES, 'screening-fractional.yaml'));
  assert.equal(createSampler(screening.sampler, screening.space, screening.seed, screening.objectives).plannedCount, 32);
});
