import type { TensorSpec } from '../../core/tensor.js';
import { fixedAxis, formatSpecs } from './spec-format.js';

/**
 * A streaming voice-activity model's inputs (Silero VAD): an FP32 audio window [batch, samples], recurrent
 * state tensors FP32 [2, batch, units] sent as zeros, and optionally the sample rate as an integer scalar.
 */
export interface SpeechInputs {
  readonly audio: TensorSpec;
  readonly states: readonly TensorSpec[];
  readonly sampleRate: TensorSpec | undefined;
}

export function findSpeechInputs(inputs: readonly TensorSpec[]): { ok: true; speech: SpeechInputs } | { ok: false; reason: string } {
  const expected = 'an FP32 audio window [batch, samples], FP32 states [2, batch, units] and an optional INT64 sample-rate scalar';
  const fail = (why: string) => ({ ok: false as const, reason: `expected ${expected}, but the model has ${formatSpecs(inputs)}${why}` });
  const audio = inputs.filter((spec) => spec.datatype === 'FP32' && spec.shape.length === 2);
  const states = inputs.filter((spec) => spec.datatype === 'FP32' && spec.shape.length === 3);
  const rates = inputs.filter((spec) => (spec.datatype === 'INT64' || spec.datatype === 'INT32') && spec.shape.length <= 1);
  if (audio.length !== 1) return fail('');
  if (states.length === 0) return fail(' (no recurrent state input)');
  const badState = states.find((spec) => fixedAxis(spec, 0) !== 2 || fixedAxis(spec, 2) === undefined);
  if (badState) return fail(` ('${badState.name}' is not [2, batch, units])`);
  if (rates.length > 1 || audio.length + states.length + rates.length !== inputs.length) return fail('');
  const rate = rates[0];
  if (rate && rate.shape.length === 1 && rate.shape[0] !== 1 && rate.shape[0] !== -1) return fail(` ('${rate.name}' is not a scalar)`);
  return { ok: true, speech: { audio: audio[0]!, states, sampleRate: rates[0] } };
}
