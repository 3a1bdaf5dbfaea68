import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServelabError } from '../../../src/core/errors.js';
import { ZOO_MODEL_INPUTS } from '../../../src/zoo/workloads/model-conventions.js';
import { getWorkload, listWorkloads } from '../../../src/zoo/workloads/registry.js';

/** Points an optional Debian dataset at an empty folder, as on a machine without the package. */
function withoutDebianDataset(t: { after(fn: () => void): void }, variable: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-absent-'));
  const previous = process.env[variable];
  process.env[variable] = dir;
  t.after(() => {
    if (previous === undefined) delete process.env[variable];
    else process.env[variable] = previous;
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

test('without asterisk-core-sounds-en-wav the speech workload says it is unavailable and why', (t) => {
  const dir = withoutDebianDataset(t, 'SERVELAB_ASTERISK_SOUNDS_DIR');
  const info = listWorkloads().find((w) => w.name === 'speech-commands')!;
  assert.equal(info.availability.available, false);
  const reason = info.availability.available ? '' : info.availability.reason;
  assert.match(reason, /asterisk-core-sounds-en-wav/);
  assert.ok(reason.includes(dir));
  const described = getWorkload('speech-commands').describe();
  assert.equal(described.available, false);
  assert.equal(described.samples, 0);
  assert.equal(described.unavailableReason, reason);
  assert.deepEqual(described.fitsModels, ['silero-vad'], 'fit is decided by the model, not the data');
  assert.throws(
    () => getWorkload('speech-commands').createSampleStream(ZOO_MODEL_INPUTS['silero-vad']!, { seed: 1 }),
    (error: unknown) => error instanceof ServelabError && error.code === 'unavailable' && error.message.includes('apt-get install asterisk-core-sounds-en-wav'),
  );
});

test('without dataset-fashion-mnist the fashion-mnist workload says so', (t) => {
  withoutDebianDataset(t, 'SERVELAB_FASHION_MNIST_DIR');
  const described = getWorkload('fashion-mnist').describe();
  assert.equal(described.available, false);
  assert.match(described.unavailableReason ?? '', /Debian package dataset-fashion-mnist/);
});
