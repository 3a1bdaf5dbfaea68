import { createRng } from '../../core/random.js';

/** Seed of the held-out splits and of training; shared by the training scripts and the accuracy tests. */
export const TRAINING_SEED = 7;
export const HELD_OUT_FRACTION = 0.2;

export interface Split {
  readonly train: number[];
  readonly heldOut: number[];
}

/**
 * A stratified split of sample indices: within each label, a seeded shuffle, the first 20% held out. The same
 * seed and labels always give the same split, so a committed model's held-out accuracy can be re-measured.
 */
export function stratifiedSplit(labels: readonly number[], stream: string, seed = TRAINING_SEED, heldOutFraction = HELD_OUT_FRACTION): Split {
  const byLabel = new Map<number, number[]>();
  labels.forEach((label, index) => byLabel.set(label, [...(byLabel.get(label) ?? []), index]));
  const rng = createRng(seed, `split/${stream}`);
  const train: number[] = [];
  const heldOut: number[] = [];
  for (const label of [...byLabel.keys()].sort((a, b) => a - b)) {
    const shuffled = rng.shuffle(byLabel.get(label) ?? []);
    const cut = Math.round(shuffled.length * heldOutFraction);
    heldOut.push(...shuffled.slice(0, cut));
    train.push(...shuffled.slice(cut));
  }
  return { train: train.sort((a, b) => a - b), heldOut: heldOut.sort((a, b) => a - b) };
}

export const RULE_TEXT = 'stratified by label: seeded shuffle per label (createRng(seed, "split/<dataset>")), first 20% held out';
