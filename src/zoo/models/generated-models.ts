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
