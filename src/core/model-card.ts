import type { TensorSpec } from './tensor.js';

export type Modality = 'image' | 'text' | 'time-series' | 'audio';

/** Where the weights came from: shipped pre-trained, trained by servelab's own script, or seeded synthetic. */
export type WeightsKind = 'pretrained' | 'trained' | 'synthetic';

export interface ModelCard {
  readonly name: string;
  readonly task: string;
  readonly modality: Modality;
  readonly description: string;
  /** Package, generator or script the model comes from. */
  readonly source: string;
  readonly licence: string;
  readonly weights: WeightsKind;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  readonly params: number;
  /** Floating-point operations (multiply-add counted as 2) per sample at the default input size. */
  readonly flops: number;
  /** Default per-sample input shapes (batch axis excluded), e.g. { input: [3, 224, 224] }. */
  readonly defaultInputShapes: Readonly<Record<string, readonly number[]>>;
  /** Held-out accuracy, where it was measured (trained models). */
  readonly accuracy?: { readonly value: number; readonly dataset: string; readonly samples: number };
}
