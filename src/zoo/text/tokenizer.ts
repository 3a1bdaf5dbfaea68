/**
 * The text tokenizer shared by every text model and text workload in the zoo: Unicode word/punctuation
 * pre-tokenization (as BERT's basic tokenizer does), lower-casing, then the hashing trick (Weinberger et al.,
 * 2009; as in fastText and Vowpal Wabbit) into a fixed id space, so no vocabulary file has to ship.
 * Ids 0–3 are reserved for [PAD], [UNK], [CLS] and [SEP]; the id space matches BERT's vocabulary size.
 */
export const TEXT_VOCAB_SIZE = 30522;
export const PAD_ID = 0;
export const UNK_ID = 1;
export const CLS_ID = 2;
export const SEP_ID = 3;
const FIRST_WORD_ID = 4;

const WORD_PATTERN = /[\p{L}\p{N}]+(?:'[\p{L}]+)?|[^\s\p{L}\p{N}]/gu;

export function pretokenize(text: string): string[] {
  return normalise(text).match(WORD_PATTERN) ?? [];
}

export function wordId(word: string, vocabSize = TEXT_VOCAB_SIZE): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    hash ^= word.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return FIRST_WORD_ID + (hash % (vocabSize - FIRST_WORD_ID));
}

export interface TokenizeOptions {
  /** Truncate to this many ids, [CLS] and [SEP] included. */
  readonly maxLength?: number;
  /** Wrap in [CLS] … [SEP] (BERT-style encoders); off for bag-of-words classifiers. */
  readonly specialTokens?: boolean;
  readonly vocabSize?: number;
}

/** Token ids of a text, truncated but not padded (padding is the batcher's or the workload's job). */
export function tokenize(text: string, options: TokenizeOptions = {}): number[] {
  const { maxLength = 512, specialTokens = true, vocabSize = TEXT_VOCAB_SIZE } = options;
  const wordLimit = specialTokens ? Math.max(0, maxLength - 2) : maxLength;
  const words = firstWords(text, wordLimit).map((word) => wordId(word, vocabSize));
  if (!specialTokens) return words.slice(0, maxLength);
  return [CLS_ID, ...words.slice(0, Math.max(0, maxLength - 2)), SEP_ID];
}

/** Length of tokenize(text) without truncation, counted without hashing (long texts: whole emails). */
export function countTokens(text: string, options: Pick<TokenizeOptions, 'specialTokens'> = {}): number {
  let words = 0;
  for (const _ of normalise(text).matchAll(WORD_PATTERN)) words++;
  return words + (options.specialTokens ?? true ? 2 : 0);
}

/**
 * The words tokenize keeps: the first `limit` words of pretokenize(text), found without splitting the rest of a
 * long text. Odd limits (negative, fractional) take every word and leave truncation to the caller's slice.
 */
function firstWords(text: string, limit: number): string[] {
  if (!Number.isInteger(limit) || limit < 0) return pretokenize(text);
  const words: string[] = [];
  if (limit === 0) return words;
  for (const match of normalise(text).matchAll(WORD_PATTERN)) {
    words.push(match[0]);
    if (words.length === limit) break;
  }
  return words;
}

function normalise(text: string): string {
  return text.toLowerCase().normalize('NFKC');
}
