import type { TensorSpec } from '../../core/tensor.js';
import { fixedAxis, formatSpecs } from './spec-format.js';

/** The single image input of a model: FP32 [batch, channels, height, width], channels 1 or 3. */
export interface ImageInput {
  readonly spec: TensorSpec;
  readonly channels: number;
  /** Undefined where the model accepts any size. */
  readonly height: number | undefined;
  readonly width: number | undefined;
}

export function findImageInput(inputs: readonly TensorSpec[]): { ok: true; input: ImageInput } | { ok: false; reason: string } {
  const expected = 'one FP32 image input [batch, 1 or 3 channels, height, width]';
  if (inputs.length !== 1) return { ok: false, reason: `expected ${expected}, but the model has ${formatSpecs(inputs)}` };
  const spec = inputs[0]!;
  if (spec.datatype !== 'FP32' || spec.shape.length !== 4) {
    return { ok: false, reason: `expected ${expected}, but the model has ${formatSpecs(inputs)}` };
  }
  const channels = fixedAxis(spec, 1);
  if (channels !== 1 && channels !== 3) {
    return { ok: false, reason: `expected 1 or 3 channels on axis 1, but ${formatSpecs(inputs)} has ${channels ?? 'a dynamic axis'}` };
  }
  return { ok: true, input: { spec, channels, height: fixedAxis(spec, 2), width: fixedAxis(spec, 3) } };
}
