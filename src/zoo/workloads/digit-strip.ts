import { createRng } from '../../core/random.js';
import type { ImageDataset } from '../datasets/types.js';
import { resizeBilinear, type GreyImage } from './image-ops.js';

/**
 * Text-like images made of real handwriting: several MNIST digits side by side on a 48-px-high strip, dark
 * ink on white paper, the way a line of text reaches an OCR recogniser.
 */
export const STRIP_HEIGHT_PX = 48;
const DIGIT_SIZE_PX = 40;
const DIGIT_TOP_PX = 4;
/** MNIST digits sit in a 20x20 box inside 28x28; at 40 px an advance of 30 px leaves a small gap between digits. */
const DIGIT_ADVANCE_PX = 30;
const MARGIN_PX = 8;
const MIN_DIGITS = 3;
const MAX_DIGITS = 10;

export interface StripLayout {
  /** Dataset indices of the digits, left to right. */
  readonly digits: readonly number[];
  readonly width: number;
}

/**
 * Groups every digit of the dataset, in a fixed shuffled order (independent of the study seed, so strip i is
 * the same everywhere), into strips of 3–10 digits.
 */
export function layoutStrips(sampleCount: number): StripLayout[] {
  const rng = createRng(0, 'mnist-strips:layout');
  const order = rng.shuffle(Array.from({ length: sampleCount }, (_, i) => i));
  const strips: StripLayout[] = [];
  for (let start = 0; start < order.length; ) {
    const count = Math.min(order.length - start, MIN_DIGITS + rng.int(MAX_DIGITS - MIN_DIGITS + 1));
    const digits = order.slice(start, start + count);
    strips.push({ digits, width: stripWidth(digits.length) });
    start += count;
  }
  return strips;
}

export function stripWidth(digitCount: number): number {
  return 2 * MARGIN_PX + (digitCount - 1) * DIGIT_ADVANCE_PX + DIGIT_SIZE_PX;
}

/** Renders a strip: intensity 1 is white paper, 0 is full ink. */
export function renderStrip(layout: StripLayout, dataset: ImageDataset): GreyImage {
  const width = layout.width;
  const ink = new Float32Array(width * STRIP_HEIGHT_PX);
  layout.digits.forEach((sampleIndex, position) => {
    const digit = resizeBilinear(
      { width: dataset.width, height: dataset.height, pixels: dataset.samples[sampleIndex]!.pixels },
      DIGIT_SIZE_PX,
      DIGIT_SIZE_PX,
    );
    const left = MARGIN_PX + position * DIGIT_ADVANCE_PX;
    for (let y = 0; y < DIGIT_SIZE_PX; y++) {
      const row = (DIGIT_TOP_PX + y) * width + left;
      for (let x = 0; x < DIGIT_SIZE_PX; x++) {
        ink[row + x] = Math.max(ink[row + x]!, digit.pixels[y * DIGIT_SIZE_PX + x]!);
      }
    }
  });
  const paper = new Float32Array(ink.length);
  for (let i = 0; i < ink.length; i++) paper[i] = 1 - ink[i]!;
  return { width, height: STRIP_HEIGHT_PX, pixels: paper };
}
