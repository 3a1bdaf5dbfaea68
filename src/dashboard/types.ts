/** What the dashboard's JSON API and its event stream carry to the page. */
import type { KnobValue } from '../core/space.js';
import type { TrialState } from '../core/trial.js';
import type { VerdictReason, VerdictReasonCode } from '../core/verdict-reason.js';

/** The trial as the table shows it: knobs, context, verdict and metrics, no raw measurement. */
export interface DashboardRow {
  readonly id: string;
  /** The configuration's key (the same for every context and repetition of it). */
  readonly config: string;
  readonly knobs: Readonly<Record<string, KnobValue>>;
  readonly model: string;
  readonly workload: string;
  readonly load: string;
  readonly machine?: string;
  readonly repetition: number;
  readonly state: TrialState;
  readonly attempt: number;
  /** valid / invalid for completed trials; the state otherwise. */
  readonly verdict: 'valid' | 'invalid' | 'failed' | 'running' | 'planned';
  readonly failureKind?: string;
  /** Why a trial failed or is invalid, as printed. */
  readonly reasons: readonly string[];
  /** An invalid trial's verdict reasons with their codes. */
  readonly verdictReasons?: readonly VerdictReason[];
  readonly metrics: Readonly<Record<string, number>>;
  /**
   * The configuration's mean in this context over its valid repetitions, with the 95% Student-t interval
   * (null bounds with a single repetition), per metric.
   */
  readonly summary?: Readonly<Record<string, MetricInterval>>;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

export interface MetricInterval {
  readonly mean: number;
  readonly n: number;
  readonly low: number | null;
  readonly high: number | null;
}

export interface StudyInfo {
  readonly studyId: string;
  /** The store, with any password removed. */
  readonly store: string;
  readonly description?: string;
  readonly objectives: readonly { readonly metric: string; readonly direction: 'min' | 'max' }[];
  readonly knobs: readonly string[];
  readonly models: readonly string[];
  readonly workloads: readonly string[];
  readonly loads: readonly string[];
  readonly sampler?: string;
  readonly repetitions?: number;
  readonly createdAt?: string;
  /** Metric names with their labels and units, for column headers. */
  readonly metrics: Readonly<Record<string, { readonly label: string; readonly unit: string; readonly better?: 'lower' | 'higher' }>>;
}

export interface ContextProgress {
  readonly model: string;
  readonly workload: string;
  readonly load: string;
  readonly planned: number;
  readonly running: number;
  readonly completed: number;
  readonly failed: number;
  readonly valid: number;
}

export interface MachineProgress {
  readonly machine: string;
  readonly cpuModel?: string;
  readonly cores?: number;
  readonly completed: number;
  readonly failed: number;
  /** The trial it finished last: what it is working on is that trial's configuration or the next. */
  readonly lastTrial?: { readonly id: string; readonly label: string; readonly finishedAt: string };
}

export interface FailureGroup {
  readonly kind: string;
  readonly count: number;
  /**
   * Distinct reasons, most frequent first, with how many trials gave each. Invalid trials are grouped by reason
   * code, with one of the code's messages as the example (reasons stored before codes, by their message).
   */
  readonly reasons: readonly { readonly reason: string; readonly count: number; readonly code?: VerdictReasonCode }[];
}

export interface StudyProgressView {
  /** Trials the study plans in all (at least those recorded). */
  readonly planned: number;
  readonly pending: number;
  readonly running: number;
  readonly completed: number;
  readonly failed: number;
  readonly valid: number;
  readonly invalid: number;
  readonly firstStartedAt?: string;
  readonly lastFinishedAt?: string;
  /** From the first start to the last finish, or to now while trials run. */
  readonly elapsedMs: number;
  /** Finished trials per minute over the recent past (null before two trials finished). */
  readonly trialsPerMinute: number | null;
  /** Remaining trials at that rate (null when unknown). */
  readonly remainingMs: number | null;
  readonly contexts: readonly ContextProgress[];
  readonly failures: readonly FailureGroup[];
  readonly machines: readonly MachineProgress[];
  /** When this view was computed (ISO), so the page can age the elapsed time. */
  readonly computedAt: string;
}

export interface TrialsDelta {
  readonly from: number;
  readonly to: number;
  readonly changed: readonly DashboardRow[];
  readonly removed: readonly string[];
}

export interface LiveFigure {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  /** Compiled Vega spec, rendered in the page by the Vega runtime. */
  readonly vegaSpec: unknown;
}

export interface HypervolumeEntry {
  readonly environment: string;
  readonly normalized: number;
  readonly configurations: number;
  readonly frontSize: number;
}

/** One part of the live analysis (fronts, or effects and transfer), as of one version of the table. */
export interface AnalysisPart {
  /** How many trials (of any state) it saw, and how many of them had finished (completed or failed). */
  readonly trials: number;
  readonly finished: number;
  readonly figures: readonly LiveFigure[];
  /** Why a figure is missing (not enough trials yet, analysis error). */
  readonly notes: readonly string[];
  readonly hypervolume: readonly HypervolumeEntry[];
  readonly computedAt: string;
  readonly durationMs: number;
}

export interface AnalysisView {
  /** Goes up whenever either part is recomputed. */
  readonly version: number;
  readonly fronts: AnalysisPart | null;
  readonly effects: AnalysisPart | null;
}
