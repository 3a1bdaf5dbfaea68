/**
 * What the dataset loaders return: real records, parsed once per process, in the dataset's own order.
 * Workloads (src/zoo/workloads) turn these records into model input tensors.
 */
export type DatasetModality = 'image' | 'text' | 'time-series' | 'audio';

/** Whether a dataset can be read on this machine; optional Debian datasets say why not. */
export type DatasetAvailability = { readonly available: true } | { readonly available: false; readonly reason: string };

/** A grey image with pixel intensities in 0..1, row-major (index y * width + x). */
export interface ImageSample {
  readonly pixels: Float32Array;
  readonly label: number;
}

export interface ImageDataset {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly classes: readonly string[];
  readonly samples: readonly ImageSample[];
}

export interface TextSample {
  readonly text: string;
  readonly label: number;
  /** Sub-collection the record comes from, e.g. 'imdb' or 'spam-2'. */
  readonly group: string;
}

export interface TextDataset {
  readonly name: string;
  readonly classes: readonly string[];
  readonly samples: readonly TextSample[];
}

/** A multivariate series: `values[row * features.length + feature]`, rows in time order. */
export interface SeriesDataset {
  readonly name: string;
  readonly features: readonly string[];
  readonly timestamps: readonly string[];
  readonly rows: number;
  readonly values: Float32Array;
}

/** Mono audio with samples scaled to -1..1. */
export interface AudioClip {
  readonly path: string;
  readonly sampleRateHz: number;
  readonly samples: Float32Array;
}

export interface AudioDataset {
  readonly name: string;
  readonly sampleRateHz: number;
  readonly clips: readonly AudioClip[];
}
