import { endianness } from 'node:os';
import { ServelabError } from '../../core/errors.js';
import type { Tensor, TensorSpec } from '../../core/tensor.js';
import { countTokens, PAD_ID, tokenize } from '../text/tokenizer.js';
import type { DatasetAvailability, TextDataset } from '../datasets/types.js';
import type { SamplePlan } from './sample-plan.js';
import { checkBatchAxis } from './spec-format.js';
import { findTextInputs, type TextInputs } from './text-input.js';
import type { FitResult, SampleStreamOptions } from './types.js';
import { defineWorkload, staticInfo } from './workload-base.js';

/** BERT's position table ends at 512; longer texts are cut there unless the caller asks otherwise. */
export const DEFAULT_MAX_TOKENS = 512;

export interface TextSource {
  readonly name: string;
  readonly dataset: string;
  readonly description: string;
  readonly defaultModel: string;
  readonly availability: () => DatasetAvailability;
  readonly load: () => TextDataset;
}

/**
 * Text for encoders and classifiers: every record tokenized with servelab's tokenizer at its own length, so
 * request lengths follow the data. A batch is padded to its longest member only (a fixed sequence axis pads
 * or cuts to that length); the attention mask marks real tokens.
 */
export function textWorkload(source: TextSource) {
  return defineWorkload<Int32Array>({
    info: staticInfo(source, 'text'),
    availability: source.availability,
    fits: (inputs): FitResult => {
      const found = findTextInputs(inputs);
      return found.ok ? { ok: true } : found;
    },
    plan: (inputs, options) => textPlan(source, inputs, options),
  });
}

/** BERT-style encoders expect [CLS] ... [SEP]; servelab's bag-of-words sentiment classifier was trained without. */
export function specialTokensFor(options: Partial<SampleStreamOptions>): boolean {
  if (options.specialTokens !== undefined) return options.specialTokens;
  const model = options.modelName?.toLowerCase() ?? '';
  if (model.includes('bert')) return true;
  if (model.startsWith('sentiment-cls')) return false;
  return true;
}

function textPlan(source: TextSource, inputs: readonly TensorSpec[], options: Partial<SampleStreamOptions>): SamplePlan<Int32Array> {
  const found = findTextInputs(inputs);
  if (!found.ok) throw new ServelabError(found.reason);
  const text = found.text;
  for (const spec of text.specs) checkBatchAxis(spec, options.batchSize ?? 1);
  const maxTokens = text.sequenceLength ?? options.maxTokens ?? DEFAULT_MAX_TOKENS;
  if (!Number.isInteger(maxTokens) || maxTokens < 2) throw new ServelabError(`maxTokens must be an integer >= 2, but got ${maxTokens}`);
  const specialTokens = specialTokensFor(options);
  const dataset = source.load();
  // Ids are kept here for every sample (a few MB even for the emails), outside the stream's cache budget.
  const tokenIds: (Int32Array | undefined)[] = new Array(dataset.samples.length);
  const fullLengths: (number | undefined)[] = new Array(dataset.samples.length);
  const idsOf = (index: number): Int32Array => {
    let ids = tokenIds[index];
    if (!ids) {
      ids = Int32Array.from(tokenize(dataset.samples[index]!.text, { specialTokens, maxLength: maxTokens }));
      tokenIds[index] = ids;
    }
    return ids;
  };
  const bytesPerToken = text.specs.reduce((n, spec) => n + (spec.datatype === 'INT64' ? 8 : 4), 0);
  const sentLength = (index: number) => text.sequenceLength ?? idsOf(index).length;
  return {
    key: `${source.name}|${JSON.stringify(text.specs)}|${maxTokens}|${specialTokens}`,
    sampleCount: dataset.samples.length,
    preprocessing: { tokenizer: 'servelab hashing tokenizer', specialTokens, maxTokens, padding: text.sequenceLength ? `fixed ${text.sequenceLength}` : 'longest in batch' },
    prepare: idsOf,
    preparedBytes: () => 0,
    batch: (samples) => textBatch(samples, text),
    payloadBytes: (index) => sentLength(index) * bytesPerToken,
    sequenceLength: sentLength,
    sequenceUnit: 'tokens',
    untruncatedLength: (index) => (fullLengths[index] ??= countTokens(dataset.samples[index]!.text, { specialTokens })),
  };
}

function textBatch(samples: readonly Int32Array[], text: TextInputs): Tensor[] {
  const length = text.sequenceLength ?? Math.max(...samples.map((ids) => ids.length));
  return text.specs.map((spec) => {
    // Padding: PAD_ID in input_ids, 0 (masked out) in attention_mask, segment 0 in token_type_ids.
    const values = new Int32Array(samples.length * length).fill(spec.name === 'input_ids' ? PAD_ID : 0);
    if (spec.name !== 'token_type_ids') {
      samples.forEach((ids, row) => {
        const used = Math.min(ids.length, length);
        if (spec.name === 'input_ids') values.set(ids.subarray(0, used), row * length);
        else values.fill(1, row * length, row * length + used);
      });
    }
    const data = spec.datatype === 'INT64' ? widenToInt64(values) : values;
    return { name: spec.name, datatype: spec.datatype, shape: [samples.length, length], data };
  });
}

const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * Non-negative int32 values as INT64. On little-endian machines the low words are written through an Int32
 * view (the high words stay 0), which avoids creating a BigInt per token.
 */
function widenToInt64(values: Int32Array): BigInt64Array {
  const wide = new BigInt64Array(values.length);
  if (!LITTLE_ENDIAN) {
    values.forEach((v, i) => (wide[i] = BigInt(v)));
    return wide;
  }
  const words = new Int32Array(wide.buffer);
  for (let i = 0; i < values.length; i++) words[2 * i] = values[i]!;
  return wide;
}
