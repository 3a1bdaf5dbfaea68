import { ServelabError } from '../../core/errors.js';
import type { CatalogueEntry } from './catalogue.js';
import { BERT_MINI, BERT_TINY, buildBertClassifier, type BertConfig } from './architectures/bert-encoder.js';
import { buildMobileNetV2, buildResNet, buildSqueezeNet11 } from './architectures/image-classifiers.js';
import { buildLstmForecaster, LSTM_FORECASTER } from './architectures/lstm-forecaster.js';

/** Seed of every generated model's weights; with GENERATOR_VERSION it names the cached file. */
export const WEIGHT_SEED = 20240601;
/** Bump whenever an architecture or the weight initialisation changes, so stale cached files are not reused. */
export const GENERATOR_VERSION = 'g1';

const SYNTHETIC = 'synthetic weights: seeded uniform He/Glorot-scaled init (createRng), for latency and energy, not accuracy';
const GENERATOR = 'servelab ONNX graph builder (src/zoo/models/architectures)';
const IMAGE_SHAPES = { input: [3, 224, 224] } as const;

function imageEntry(name: string, architecture: string, paper: string, build: (withWeights: boolean) => ReturnType<typeof buildResNet>): CatalogueEntry {
  return {
    name,
    task: 'image classification (ImageNet-1k, 1000 classes)',
    modality: 'image',
    description: `${architecture} with the torchvision layer layout and parameter count (${paper}); ${SYNTHETIC}`,
    source: `${GENERATOR}, opset 17`,
    licence: 'MIT (servelab); architecture from the cited paper',
    weights: 'synthetic',
    defaultInputShapes: IMAGE_SHAPES,
    origin: { kind: 'generated', build, version: `${GENERATOR_VERSION}-s${WEIGHT_SEED}` },
  };
}

function bertEntry(config: BertConfig): CatalogueEntry {
  return {
    name: config.name,
    task: 'text classification (2 classes, from [CLS])',
    modality: 'text',
    description:
      `BERT-style encoder, ${config.layers} layers, hidden ${config.hidden}, ${config.heads} heads, vocab 30522 (servelab's hashing tokenizer), ` +
      `max 512 positions, dynamic sequence length (Turc et al., 2019 size preset); ${SYNTHETIC}`,
    source: `${GENERATOR}, opset 17`,
    licence: 'MIT (servelab)',
    weights: 'synthetic',
    defaultInputShapes: { input_ids: [config.referenceSequenceLength], attention_mask: [config.referenceSequenceLength] },
    origin: { kind: 'generated', build: (withWeights) => buildBertClassifier(config, WEIGHT_SEED, withWeights), version: `${GENERATOR_VERSION}-s${WEIGHT_SEED}` },
  };
}

/** Standard architectures built by servelab's ONNX graph builder with seeded synthetic weights. */
export const GENERATED_MODELS: readonly CatalogueEntry[] = [
  imageEntry('resnet18', 'ResNet-18', 'He et al., 2016', (w) => buildResNet(18, WEIGHT_SEED, w)),
  imageEntry('resnet50', 'ResNet-50', 'He et al., 2016', (w) => buildResNet(50, WEIGHT_SEED, w)),
  imageEntry('mobilenetv2', 'MobileNetV2 1.0', 'Sandler et al., 2018', (w) => buildMobileNetV2(WEIGHT_SEED, w)),
  imageEntry('squeezenet1_1', 'SqueezeNet 1.1', 'Iandola et al., 2016', (w) => buildSqueezeNet11(WEIGHT_SEED, w)),
  bertEntry(BERT_TINY),
  bertEntry(BERT_MINI),
  {
    name: 'lstm-forecaster',
    task: 'time-series forecasting (next value from a window of 4 weather features)',
    modality: 'time-series',
    description:
      `stacked LSTM (${LSTM_FORECASTER.layers} layers, hidden ${LSTM_FORECASTER.hidden}) over [batch, timesteps, ${LSTM_FORECASTER.features}] windows, ` +
      `dynamic window length, ${LSTM_FORECASTER.horizon}-step forecast from the final hidden state; ${SYNTHETIC}`,
    source: `${GENERATOR}, opset 17`,
    licence: 'MIT (servelab)',
    weights: 'synthetic',
    defaultInputShapes: { input: [LSTM_FORECASTER.referenceTimesteps, LSTM_FORECASTER.features] },
    origin: { kind: 'generated', build: (withWeights) => buildLstmForecaster(LSTM_FORECASTER, WEIGHT_SEED, withWeights), version: `${GENERATOR_VERSION}-s${WEIGHT_SEED}` },
  },
];

/** Pattern of configurable BERT-style encoders: layers, hidden size, attention heads and (optionally) the sequence length FLOPs are counted at. */
export const CUSTOM_BERT_PATTERN = 'bert-L<layers>-H<hidden>-A<heads>[-S<sequence>]';
const CUSTOM_BERT = /^bert-L(\d+)-H(\d+)-A(\d+)(?:-S(\d+))?$/;

/**
 * A generated entry for a configurable encoder name such as `bert-L6-H512-A8-S256` (Turc et al.'s naming), or
 * undefined when the name does not follow the pattern. Out-of-range sizes are a one-line ServelabError.
 */
export function customBertEntry(name: string): CatalogueEntry | undefined {
  const match = CUSTOM_BERT.exec(name);
  if (!match) return undefined;
  const [layers, hidden, heads, sequence] = [match[1], match[2], match[3], match[4] ?? '128'].map(Number) as [number, number, number, number];
  const problems = [
    layers < 1 || layers > 24 ? `layers ${layers} (expected 1..24)` : '',
    heads < 1 || heads > 32 ? `heads ${heads} (expected 1..32)` : '',
    hidden < 8 || hidden > 2048 || hidden % heads !== 0 ? `hidden ${hidden} (expected 8..2048, divisible by the ${heads} heads)` : '',
    sequence < 1 || sequence > 512 ? `sequence ${sequence} (expected 1..512 positions)` : '',
  ].filter(Boolean);
  if (problems.length > 0) throw new ServelabError(`model '${name}': invalid ${problems.join(', ')}; pattern ${CUSTOM_BERT_PATTERN}`, 'invalid-input');
  return bertEntry({ name, layers, hidden, heads, referenceSequenceLength: sequence, classes: 2 });
}
