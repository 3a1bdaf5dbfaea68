/**
 * The analysis result: the contract between analysis/, the `analyze --json` output and report/.
 * Fields may be added; none may be removed or renamed without changing the report.
 */
import type { Configuration } from '../core/space.js';
import type { TrialContext } from '../core/trial.js';

export interface Objective {
  /** Metric name without prefix, e.g. 'p99_ms', 'energy_j_per_inf'. */
  readonly metric: string;
  readonly direction: 'min' | 'max';
}

/** One combination of context values; its key is 'model|workload|load'. */
export interface Environment extends TrialContext {
  readonly key: string;
  readonly trials: number;
}

export interface FrontMember {
  readonly trialId: string;
  readonly configuration: Configuration;
  readonly metrics: Readonly<Record<string, number>>;
  /** Within measurement noise of the front rather than strictly on it (needs repetitions). */
  readonly withinNoise: boolean;
}

export interface ParetoResult {
  readonly environment: string;
  readonly front: readonly FrontMember[];
  readonly hypervolume: number;
  /** The reference point used for the hypervolume, per objective, in the objectives' order. */
  readonly referencePoint: readonly number[];
  readonly knee?: FrontMember;
}

export interface KnobEffect {
  readonly knob: string;
  readonly effectSize: number;
  readonly pValue: number;
  readonly significant: boolean;
  readonly levels: readonly { readonly level: string; readonly mean: number; readonly n: number }[];
  readonly nonMonotonic?: boolean;
}

export interface InteractionEffect {
  readonly knobs: readonly [string, string];
  readonly effectSize: number;
  readonly pValue: number;
  readonly significant: boolean;
}

export interface MetricEffects {
  readonly main: readonly KnobEffect[];
  readonly interactions: readonly InteractionEffect[];
  readonly importance: readonly { readonly knob: string; readonly importance: number }[];
}

export interface TransferPair {
  readonly source: string;
  readonly target: string;
  readonly metric: string;
  readonly pearson: number;
  readonly spearman: number;
  readonly kendall: number;
  readonly kl: number;
  readonly topOverlap: number;
  readonly bottomOverlap: number;
  readonly paretoOverlap: number;
  readonly influentialKnobsAgree: number;
  readonly regret: { readonly absolute: number; readonly percent: number };
}

export interface Finding {
  readonly rank: number;
  readonly kind: string;
  readonly text: string;
  readonly score: number;
  readonly numbers: Readonly<Record<string, number>>;
}

export interface AnalysisResult {
  readonly objectives: readonly Objective[];
  readonly environments: readonly Environment[];
  readonly pareto: readonly ParetoResult[];
  readonly effects: Readonly<Record<string, MetricEffects>>;
  readonly transfer: readonly TransferPair[];
  readonly prediction: unknown;
  readonly findings: readonly Finding[];
  readonly excluded: { readonly invalid: number; readonly failed: number };
}
