import { GraphBuilder, type Value } from '../../onnx/graph-builder.js';
import { OnnxDataType, type ModelProto } from '../../onnx/onnx-schema.js';
import { TEXT_VOCAB_SIZE } from '../../text/tokenizer.js';
import { dense } from './cnn-layers.js';

export interface BertConfig {
  readonly name: string;
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  /** Sequence length at which shapes are tracked and FLOPs counted; the graph itself takes any length up to maxPositions. */
  readonly referenceSequenceLength: number;
  readonly classes: number;
  readonly vocabSize?: number;
  readonly maxPositions?: number;
}

/** Presets after Turc et al. (2019), "Well-Read Students Learn Better" (google/bert_uncased_L-2_H-128 and L-4_H-256). */
export const BERT_TINY: BertConfig = { name: 'bert-tiny', layers: 2, hidden: 128, heads: 2, referenceSequenceLength: 128, classes: 2 };
export const BERT_MINI: BertConfig = { name: 'bert-mini', layers: 4, hidden: 256, heads: 4, referenceSequenceLength: 128, classes: 2 };

const INIT_STD = 0.02; // BERT's initializer_range
const MASKED_SCORE = -10000;

/**
 * A BERT-style encoder classifier: word + position + token-type embeddings, post-LayerNorm transformer layers
 * with GELU feed-forward (4x hidden), pooler (tanh) over [CLS] and a linear classifier. Inputs `input_ids` and
 * `attention_mask` [batch, sequence] INT64; output `logits` [batch, classes]. Sequence length is dynamic.
 */
export function buildBertClassifier(config: BertConfig, seed: number, withWeights: boolean): ModelProto {
  const { hidden, heads, layers } = config;
  const vocab = config.vocabSize ?? TEXT_VOCAB_SIZE;
  const maxPositions = config.maxPositions ?? 512;
  if (hidden % heads !== 0) throw new Error(`bert: hidden size ${hidden} is not divisible by ${heads} heads`);
  const b = new GraphBuilder({ graphName: config.name, seed, withWeights });
  const reference = [1, config.referenceSequenceLength];
  const ids = b.input('input_ids', OnnxDataType.INT64, ['batch', 'sequence'], reference);
  const mask = b.input('attention_mask', OnnxDataType.INT64, ['batch', 'sequence'], reference);

  const words = b.op('Gather', [b.weight('embeddings.word_embeddings', [vocab, hidden], { std: INIT_STD }), ids]);
  const sequenceLength = b.op('Shape', [ids], { start: 1, end: 2 });
  const positionTable = b.weight('embeddings.position_embeddings', [maxPositions, hidden], { std: INIT_STD });
  const positions = b.op('Slice', [positionTable, b.int64s([0]), sequenceLength, b.int64s([0])]);
  const tokenType = b.op('Gather', [b.weight('embeddings.token_type_embeddings', [2, hidden], { std: INIT_STD }), b.int64s([0], [])]);
  let x = layerNorm(b, 'embeddings.LayerNorm', b.op('Add', [b.op('Add', [words, positions]), tokenType]));

  // Additive mask: 0 where attended, -10000 where padded, broadcast over heads and query positions.
  const maskFloat = b.op('Cast', [mask], { to: OnnxDataType.FLOAT });
  const maskBias = b.op('Mul', [b.op('Sub', [b.scalar(1), maskFloat]), b.scalar(MASKED_SCORE)]);
  const scoreBias = b.op('Unsqueeze', [maskBias, b.int64s([1, 2])]);

  for (let layer = 0; layer < layers; layer++) x = encoderLayer(b, `encoder.layer.${layer}`, x, scoreBias, hidden, heads);

  const cls = b.op('Gather', [x, b.int64s([0], [])], { axis: 1 });
  const pooled = b.op('Tanh', [dense(b, 'pooler.dense', cls, hidden, INIT_STD)]);
  b.output(dense(b, 'classifier', pooled, config.classes, INIT_STD), 'logits', OnnxDataType.FLOAT, ['batch', config.classes]);
  return b.finish(`${config.name}: BERT-style encoder, ${layers} layers, hidden ${hidden}, ${heads} heads, vocab ${vocab}; seeded synthetic weights`);
}

function linear(b: GraphBuilder, prefix: string, x: Value, units: number): Value {
  const features = x.shape[x.shape.length - 1] ?? 0;
  const weight = b.weight(`${prefix}.weight`, [features, units], { std: INIT_STD });
  return b.op('Add', [b.op('MatMul', [x, weight]), b.weight(`${prefix}.bias`, [units], { constant: 0 })]);
}

function layerNorm(b: GraphBuilder, prefix: string, x: Value): Value {
  const hidden = [x.shape[x.shape.length - 1] ?? 0];
  return b.op('LayerNormalization', [x, b.weight(`${prefix}.weight`, hidden, { constant: 1 }), b.weight(`${prefix}.bias`, hidden, { constant: 0 })], {
    axis: -1,
    epsilon: { float: 1e-12 },
  });
}

function encoderLayer(b: GraphBuilder, prefix: string, x: Value, scoreBias: Value, hidden: number, heads: number): Value {
  const headSize = hidden / heads;
  const split = (v: Value, perm: number[]): Value => b.op('Transpose', [b.op('Reshape', [v, b.int64s([0, 0, heads, headSize])])], { perm });
  const query = split(linear(b, `${prefix}.attention.self.query`, x, hidden), [0, 2, 1, 3]);
  const keyT = split(linear(b, `${prefix}.attention.self.key`, x, hidden), [0, 2, 3, 1]);
  const value = split(linear(b, `${prefix}.attention.self.value`, x, hidden), [0, 2, 1, 3]);
  const scores = b.op('Add', [b.op('Mul', [b.op('MatMul', [query, keyT]), b.scalar(1 / Math.sqrt(headSize))]), scoreBias]);
  const context = b.op('MatMul', [b.op('Softmax', [scores], { axis: -1 }), value]);
  const merged = b.op('Reshape', [b.op('Transpose', [context], { perm: [0, 2, 1, 3] }), b.int64s([0, 0, hidden])]);
  const attended = layerNorm(b, `${prefix}.attention.output.LayerNorm`, b.op('Add', [linear(b, `${prefix}.attention.output.dense`, merged, hidden), x]));
  const expanded = gelu(b, linear(b, `${prefix}.intermediate.dense`, attended, 4 * hidden));
  return layerNorm(b, `${prefix}.output.LayerNorm`, b.op('Add', [linear(b, `${prefix}.output.dense`, expanded, hidden), attended]));
}

/** Exact GELU, x * 0.5 * (1 + erf(x / sqrt 2)), from opset-13 ops. */
function gelu(b: GraphBuilder, x: Value): Value {
  const erf = b.op('Erf', [b.op('Mul', [x, b.scalar(Math.SQRT1_2)])]);
  return b.op('Mul', [b.op('Mul', [x, b.scalar(0.5)]), b.op('Add', [erf, b.scalar(1)])]);
}
