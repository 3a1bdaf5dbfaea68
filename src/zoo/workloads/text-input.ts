import type { Datatype, TensorSpec } from '../../core/tensor.js';
import { fixedAxis, formatSpecs } from './spec-format.js';

/** Inputs a text encoder may declare, all [batch, sequence] integer tensors. */
const TEXT_INPUT_NAMES = ['input_ids', 'attention_mask', 'token_type_ids'] as const;
export type TextInputName = (typeof TEXT_INPUT_NAMES)[number];
const INTEGER_TYPES: readonly Datatype[] = ['INT64', 'INT32'];

export interface TextInputs {
  readonly specs: readonly (TensorSpec & { readonly name: TextInputName })[];
  /** Fixed sequence length, where the model declares one. */
  readonly sequenceLength: number | undefined;
}

export function findTextInputs(inputs: readonly TensorSpec[]): { ok: true; text: TextInputs } | { ok: false; reason: string } {
  const expected = 'input_ids (plus optional attention_mask, token_type_ids) as INT64 or INT32 [batch, sequence]';
  const fail = (why: string) => ({ ok: false as const, reason: `expected ${expected}, but the model has ${formatSpecs(inputs)}${why}` });
  if (!inputs.some((spec) => spec.name === 'input_ids')) return fail('');
  const unknown = inputs.find((spec) => !(TEXT_INPUT_NAMES as readonly string[]).includes(spec.name));
  if (unknown) return fail(` (no text input is called '${unknown.name}')`);
  const badShape = inputs.find((spec) => !INTEGER_TYPES.includes(spec.datatype) || spec.shape.length !== 2);
  if (badShape) return fail(` ('${badShape.name}' is not an integer matrix)`);
  const lengths = new Set(inputs.map((spec) => fixedAxis(spec, 1)));
  if (lengths.size > 1) return fail(' (their sequence axes disagree)');
  return { ok: true, text: { specs: inputs as TextInputs['specs'], sequenceLength: fixedAxis(inputs[0]!, 1) } };
}
