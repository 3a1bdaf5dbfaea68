import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSentiment } from '../../../src/zoo/datasets/sentiment.js';
import { loadSpamAssassin } from '../../../src/zoo/datasets/spam-assassin.js';
import { CLS_ID, countTokens, pretokenize, SEP_ID, tokenize, wordId } from '../../../src/zoo/text/tokenizer.js';

/** tokenize as first written: split the whole text, hash every word, then cut. Trained models depend on these ids. */
function referenceTokenize(text: string, maxLength: number, specialTokens: boolean): number[] {
  const words = pretokenize(text).map((word) => wordId(word));
  if (!specialTokens) return words.slice(0, maxLength);
  return [CLS_ID, ...words.slice(0, Math.max(0, maxLength - 2)), SEP_ID];
}

test('tokenize stops splitting long texts early but gives the same ids on real emails and sentences', () => {
  const emails = loadSpamAssassin().samples.filter((_, i) => i % 20 === 0).map((s) => s.text);
  const sentences = loadSentiment().samples.filter((_, i) => i % 10 === 0).map((s) => s.text);
  for (const text of [...emails, ...sentences, '', '  ', 'Ünïcödé ﬁ ligature, x²!']) {
    for (const maxLength of [0, 1, 2, 3, 16, 512, 100000]) {
      for (const specialTokens of [true, false]) {
        assert.deepEqual(tokenize(text, { maxLength, specialTokens }), referenceTokenize(text, maxLength, specialTokens), `${maxLength} ${specialTokens}: ${text.slice(0, 40)}`);
      }
    }
    assert.equal(countTokens(text), referenceTokenize(text, Number.MAX_SAFE_INTEGER, true).length);
    assert.equal(countTokens(text, { specialTokens: false }), pretokenize(text).length);
  }
  assert.deepEqual(tokenize('a b c d e'), referenceTokenize('a b c d e', 512, true), 'default options');
});
