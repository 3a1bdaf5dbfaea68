/**
 * The sampler contract (ask/tell in the optuna sense, with "tell" being the history itself): a sampler's next
 * configurations depend only on the history of past trials and the seed, so a resumed study asks exactly what
 * an uninterrupted one would have. Configurations already in the history, in any state, are never asked again.
 */
import { createRng, type Rng } from '../../core/random.js';
import { configurationKey, type Configuration } from '../../core/space.js';
import type { SamplerKind } from '../study-schema.js';

export interface TrialOutcome {
  readonly configuration: Configuration;
  /** 'pending': asked and not finished yet (e.g. running on another worker); adaptive sampling accounts for it. */
  readonly state: 'completed' | 'failed' | 'pending';
  /** Objective values for a completed configuration, aggregated over its contexts and repetitions. */
  readonly metrics?: Readonly<Record<string, number>>;
}

export interface Sampler {
  readonly kind: SamplerKind;
  /** How many configurations this sampler proposes in all (its design size or budget). */
  readonly plannedCount: number;
  /** Up to `count` (default 1) new configurations; fewer, or none, once the plan or budget is used up. */
  ask(history: readonly TrialOutcome[], count?: number): Configuration[];
}

/** A sampler that walks a fixed plan (already in its randomized run order), skipping what the history holds. */
export function planSampler(kind: SamplerKind, plan: readonly Configuration[]): Sampler {
  const keys = plan.map(configurationKey);
  const planned = new Set(keys);
  return {
    kind,
    plannedCount: plan.length,
    ask(history, count = 1) {
      const seen = new Set(history.map((outcome) => configurationKey(outcome.configuration)));
      const out: Configuration[] = [];
      const used = [...seen].filter((key) => planned.has(key)).length;
      const left = Math.min(count, plan.length - used);
      for (let i = 0; i < plan.length && out.length < left; i++) {
        if (!seen.has(keys[i]!)) out.push(plan[i]!);
      }
      return out;
    },
  };
}

/** Keys of every configuration in the history. */
export function historyKeys(history: readonly TrialOutcome[]): Set<string> {
  return new Set(history.map((outcome) => configurationKey(outcome.configuration)));
}

/** The random stream of a sampler; the seed also appears in the stream name, which keeps recorded plans reproducible. */
export function samplerRng(seed: number, stream: string): Rng {
  return createRng(seed, `${stream}|seed=${seed}`);
}
