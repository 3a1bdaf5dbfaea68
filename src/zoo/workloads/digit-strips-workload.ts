import { ServelabError } from '../../core/errors.js';
import type { TensorSpec } from '../../core/tensor.js';
import { loadMnist } from '../datasets/mnist.js';
import { layoutStrips, renderStrip, STRIP_HEIGHT_PX, type StripLayout } from './digit-strip.js';
import { stackImages } from './image-batch.js';
import { findImageInput, type ImageInput } from './image-input.js';
import { resizeBilinear, type GreyImage } from './image-ops.js';
import type { SamplePlan } from './sample-plan.js';
import { checkBatchAxis, formatSpecs } from './spec-format.js';
import type { FitResult, ImageNormalisation, SampleStreamOptions } from './types.js';
import { defineWorkload } from './workload-base.js';

/** Fully convolutional detectors (DBNet) need both sides divisible by their total stride. */
const DETECTOR_STRIDE_PX = 32;
/** Recognisers downsample the width by 8 (CRNN/SVTR): keep widths whole multiples of it. */
const RECOGNISER_STRIDE_PX = 8;
const PAPER = 1;

/**
 * mnist-strips: lines of handwritten MNIST digits for OCR models (PaddleOCR normalisation by default).
 * - height and width dynamic (text detector): the strip on a page padded to multiples of 32;
 * - height fixed, width dynamic (recogniser): scaled to that height, width rounded up to a multiple of 8;
 * - both fixed and wide (direction classifier, e.g. 48x192): scaled to the height keeping the aspect ratio,
 *   squeezed if still too wide, padded with paper on the right, as PaddleOCR does.
 */
export const mnistStripsWorkload = defineWorkload<GreyImage>({
  info: {
    name: 'mnist-strips',
    dataset: 'mnist',
    modality: 'image',
    description: 'Lines of 3-10 real MNIST digits, dark on white, 48 px high, for OCR detectors, recognisers and classifiers',
    defaultModel: 'ocr-rec',
  },
  availability: () => ({ available: true }),
  fits: fitsTextImage,
  plan: stripPlan,
});

function fitsTextImage(inputs: readonly TensorSpec[]): FitResult {
  const found = findImageInput(inputs);
  if (!found.ok) return found;
  const { height, width } = found.input;
  if (width !== undefined && width < 2 * (height ?? STRIP_HEIGHT_PX)) {
    return {
      ok: false,
      reason: `a text-line image needs a dynamic width or one at least twice the height (e.g. [-1,3,48,-1] or [-1,3,48,192]), but the model has ${formatSpecs(inputs)}`,
    };
  }
  return { ok: true };
}

function stripPlan(inputs: readonly TensorSpec[], options: Partial<SampleStreamOptions>): SamplePlan<GreyImage> {
  const found = findImageInput(inputs);
  if (!found.ok) throw new ServelabError(found.reason);
  const input = found.input;
  checkBatchAxis(input.spec, options.batchSize ?? 1);
  const normalisation: ImageNormalisation = options.normalisation ?? 'paddle';
  const dataset = loadMnist();
  const strips = layoutStrips(dataset.samples.length);
  const sizeOf = (strip: StripLayout) => canvasSize(strip.width, input);
  return {
    key: `mnist-strips|${input.height ?? 'H'}x${input.width ?? 'W'}`,
    sampleCount: strips.length,
    preprocessing: {
      canvas: input.height === undefined ? `strip on a page padded to multiples of ${DETECTOR_STRIDE_PX}` : input.width === undefined ? `height ${input.height}, width rounded up to a multiple of ${RECOGNISER_STRIDE_PX}` : `${input.height}x${input.width}, aspect kept, padded right`,
      channels: input.channels,
      normalisation,
    },
    prepare(index) {
      const strip = strips[index]!;
      return placeOnCanvas(renderStrip(strip, dataset), sizeOf(strip));
    },
    preparedBytes: (image) => image.pixels.byteLength,
    batch: (images) => [stackImages(images, { inputName: input.spec.name, channels: input.channels, normalisation, padIntensity: PAPER })],
    payloadBytes(index) {
      const { width, height } = sizeOf(strips[index]!);
      return input.channels * width * height * 4;
    },
  };
}

interface CanvasSize {
  readonly width: number;
  readonly height: number;
  /** Size the strip is scaled to before padding. */
  readonly inkWidth: number;
  readonly inkHeight: number;
}

function canvasSize(stripWidthPx: number, input: ImageInput): CanvasSize {
  if (input.height === undefined) {
    const roundUp = (n: number) => Math.ceil(n / DETECTOR_STRIDE_PX) * DETECTOR_STRIDE_PX;
    return { width: input.width ?? roundUp(stripWidthPx), height: roundUp(STRIP_HEIGHT_PX), inkWidth: Math.min(stripWidthPx, input.width ?? stripWidthPx), inkHeight: STRIP_HEIGHT_PX };
  }
  const scaledWidth = Math.max(1, Math.round((stripWidthPx * input.height) / STRIP_HEIGHT_PX));
  if (input.width === undefined) {
    const width = Math.ceil(scaledWidth / RECOGNISER_STRIDE_PX) * RECOGNISER_STRIDE_PX;
    return { width, height: input.height, inkWidth: scaledWidth, inkHeight: input.height };
  }
  return { width: input.width, height: input.height, inkWidth: Math.min(scaledWidth, input.width), inkHeight: input.height };
}

/** Scales the strip to its ink size and pastes it top-left on a paper canvas of the canvas size. */
function placeOnCanvas(strip: GreyImage, size: CanvasSize): GreyImage {
  const ink = resizeBilinear(strip, size.inkWidth, size.inkHeight);
  if (ink.width === size.width && ink.height === size.height) return ink;
  const pixels = new Float32Array(size.width * size.height).fill(PAPER);
  for (let y = 0; y < ink.height; y++) pixels.set(ink.pixels.subarray(y * ink.width, (y + 1) * ink.width), y * size.width);
  return { width: size.width, height: size.height, pixels };
}
