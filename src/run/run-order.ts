/**
 * The order in which a batch of configurations is measured. Repetitions are interleaved: every
 * configuration's first repetition runs (in a seeded random order) before any second one, so slow drift of
 * the machine spreads over all configurations instead of landing on whichever ran last, and a
 * configuration's repetitions are separated in time (their spread then includes that drift, as it should).
 */
import { createRng } from '../core/random.js';
import { configurationKey, type Configuration } from '../core/space.js';
import { unitKeyOf, type TrialSpec } from './trial-plan.js';

/** The trials one fresh server measures: one configuration, model (or co-served group) and repetition, load points in order. */
export interface TrialUnit {
  readonly configuration: Configuration;
  readonly trials: readonly TrialSpec[];
}

/** Units of the batch in run order: repetition by repetition, each repetition's units shuffled with the seed. */
export function interleavedUnits(batch: readonly { configuration: Configuration; trials: readonly TrialSpec[] }[], seed: number): TrialUnit[] {
  const byRepetition = new Map<number, TrialUnit[]>();
  for (const { configuration, trials } of batch) {
    const units = new Map<string, TrialSpec[]>();
    for (const trial of trials) {
      const key = unitKeyOf(trial);
      units.set(key, [...(units.get(key) ?? []), trial]);
    }
    for (const unitTrials of units.values()) {
      const repetition = unitTrials[0]!.repetition;
      byRepetition.set(repetition, [...(byRepetition.get(repetition) ?? []), { configuration, trials: unitTrials }]);
    }
  }
  const batchKey = batch.map((entry) => configurationKey(entry.configuration)).join('|');
  return [...byRepetition.keys()]
    .sort((a, b) => a - b)
    .flatMap((repetition) => createRng(seed, `run-order:${repetition}:${batchKey}`).shuffle(byRepetition.get(repetition)!));
}

/** How many configurations to plan and interleave at once: the whole plan, or small batches for an adaptive sampler that learns between them. */
export function batchSize(samplerKind: string, plannedCount: number): number {
  return samplerKind === 'adaptive' ? Math.min(4, plannedCount) : Math.max(1, plannedCount);
}
