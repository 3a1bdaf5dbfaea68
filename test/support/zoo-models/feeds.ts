import ort from 'onnxruntime-node';
import type { ModelCard } from '../../../src/core/model-card.js';
import type { TensorSpec } from '../../../src/core/tensor.js';

/** Small concrete shapes per zoo model for a one-inference smoke run (dynamic axes filled in). */
const SMALL_SHAPES: Record<string, Record<string, number[]>> = {
  'ocr-det': { x: [1, 3, 64, 96] },
  'ocr-rec': { x: [1, 3, 48, 64] },
  'ocr-cls': { x: [1, 3, 48, 192] },
  'silero-vad': { input: [1, 576], state: [2, 1, 128], sr: [] },
  'bert-tiny': { input_ids: [2, 9], attention_mask: [2, 9] },
  'bert-mini': { input_ids: [1, 16], attention_mask: [1, 16] },
  'sentiment-cls': { input_ids: [2, 7], attention_mask: [2, 7] },
  'lstm-forecaster': { input: [2, 30, 4] },
};

export function smallShape(card: ModelCard, spec: TensorSpec): number[] {
  return SMALL_SHAPES[card.name]?.[spec.name] ?? spec.shape.map((d) => (d === -1 ? 1 : d));
}

/** Deterministic, in-range inputs: token ids < 30522 with a mask of ones and a padded tail, 16 kHz for `sr`, smooth floats otherwise. */
export function smallFeeds(card: ModelCard): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const spec of card.inputs) {
    const shape = smallShape(card, spec);
    const length = shape.reduce((n, d) => n * d, 1);
    if (spec.datatype === 'INT64') {
      const row = shape[shape.length - 1] ?? 1;
      const values =
        spec.name === 'sr' ? [16000n] : Array.from({ length }, (_, i) => (spec.name === 'attention_mask' ? BigInt(i % row < row - 2 ? 1 : 0) : BigInt(4 + ((i * 7919) % 30000))));
      feeds[spec.name] = new ort.Tensor('int64', BigInt64Array.from(values), shape);
    } else {
      const values = Float32Array.from({ length }, (_, i) => (spec.name === 'state' ? 0 : 0.5 + 0.5 * Math.sin(i * 0.37)));
      feeds[spec.name] = new ort.Tensor('float32', values, shape);
    }
  }
  return feeds;
}
