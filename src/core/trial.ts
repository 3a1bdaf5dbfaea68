import type { Configuration } from './space.js';

/** What a trial measures under: the model served, the workload fed to it, the load level applied. */
export interface TrialContext {
  readonly model: string;
  readonly workload: string;
  /** Load level or pattern label, e.g. 'light', 'medium', 'high', 'poisson@200'. */
  readonly load: string;
  /** The machine that measured the trial, in distributed studies (its worker name); absent on one machine. */
  readonly machine?: string;
  /** The models one server served together during the trial, named 'a+b' (sorted); absent unless the study co-locates models. */
  readonly coServed?: string;
}

export type TrialState = 'planned' | 'running' | 'completed' | 'failed';

/** Why a trial failed, when it did. */
export const FAILURE_KINDS = ['crash', 'timeout', 'out-of-memory', 'not-ready', 'invalid-config', 'load-error'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** One measured row: a configuration in a context, one repetition. Metrics use the names in metric.ts. */
export interface TrialRow {
  readonly trialId: string;
  readonly configuration: Configuration;
  readonly context: TrialContext;
  readonly repetition: number;
  readonly state: TrialState;
  readonly valid: boolean;
  readonly metrics: Readonly<Record<string, number>>;
  readonly failure?: { readonly kind: FailureKind; readonly reason: string };
}
