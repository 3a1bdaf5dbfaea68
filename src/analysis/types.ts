/**
 * The analysis result: the contract between analysis/, the `analyze --json` output and report/.
 * Fields may be added; none may be removed or renamed without changing the report.
 */
import type { ColocationAnalysis } from './colocation.js';
import type { Configuration } from '../core/space.js';
import type { TrialContext } from '../core/trial.js';
import type { Explanation, FindingSubject } from './explanation-types.js';

export type * from './explanation-types.js';

export interface Objective {
  /** Metric name without prefix, e.g. 'p99_ms', 'energy_j_per_inf'. */
  readonly metric: string;
  readonly direction: 'min' | 'max';
}

/** One combination of context values; its key is 'model|workload|load'. */
export interface Environment extends TrialContext {
  readonly key: string;
  /** Configurations measured validly in this environment (repetitions of one count once). */
  readonly trials: number;
  /** Same as trials: distinct configurations analysed. */
  readonly configurations: number;
  /** Valid rows (repetitions included) analysed. */
  readonly rows: number;
}

/** What was left out of the analysis, and why. */
export interface Exclusions {
  /** Completed rows the run's verdict marked invalid. */
  readonly invalid: number;
  /** Rows of failed trials. */
  readonly failed: number;
  /** Rows of configurations whose repetitions vary by more than maxCv on an objective. */
  readonly unstable: number;
  /** Planned/running rows, and completed rows without every objective measured. */
  readonly incomplete: number;
  readonly analyzedRows: number;
  readonly totalRows: number;
  /** Metrics measured in only some rows, left out of the analysis. */
  readonly metricsLeftOut: readonly string[];
}

/** A two-sided confidence interval [low, high] (95% unless stated). */
export type ConfidenceInterval = readonly [number, number];

export interface FrontMember {
  readonly trialId: string;
  /** Stable identity of the configuration (JSON with sorted keys). */
  readonly configKey: string;
  /** Repetitions averaged into `metrics`. */
  readonly repetitions: number;
  readonly configuration: Configuration;
  readonly metrics: Readonly<Record<string, number>>;
  /** Within measurement noise of the front rather than strictly on it (needs repetitions). */
  readonly withinNoise: boolean;
  /**
   * Seeded percentile-bootstrap 95% interval of each objective's mean over the repetitions (objective metric →
   * [low, high]); absent without repetitions. With 2–3 repetitions it is narrow: withinNoise uses the t interval.
   */
  readonly intervals?: Readonly<Record<string, ConfidenceInterval>>;
}

export interface ParetoResult {
  readonly environment: string;
  readonly front: readonly FrontMember[];
  readonly hypervolume: number;
  /** The reference point used for the hypervolume, per objective, in the objectives' order. */
  readonly referencePoint: readonly number[];
  /** Hypervolume with every objective scaled to [0, 1] between idealPoint and referencePoint. */
  readonly normalizedHypervolume: number;
  /** Best measured value per objective in this environment. */
  readonly idealPoint: readonly number[];
  /** Configurations measured in this environment. */
  readonly configurations: number;
  readonly knee?: FrontMember;
}

export interface ParetoMembership {
  readonly environments: number;
  readonly configurations: number;
  /** On the strict front of every environment (and measured in all of them). */
  readonly everywhere: readonly { readonly configKey: string; readonly configuration: Configuration }[];
  /** On the strict front of some environments only. */
  readonly somewhere: readonly {
    readonly configKey: string;
    readonly configuration: Configuration;
    readonly environments: readonly string[];
    readonly measuredIn: number;
  }[];
  /** How many configurations are on no environment's front. */
  readonly nowhere: number;
}

export interface KnobEffect {
  readonly knob: string;
  /**
   * In the metric's unit, from the fitted model's least-squares means (each level averaged with equal weight over
   * the other knobs' levels and the environments). Numeric/boolean knobs: mean at the highest level minus mean at
   * the lowest (signed). Categorical knobs: highest level mean minus lowest level mean (≥ 0).
   */
  readonly effectSize: number;
  /** Unadjusted p-value of the Type II F test. */
  readonly pValue: number;
  /** pValue adjusted for every main-effect and interaction test of the metric (MetricEffects.pAdjustMethod). */
  readonly pAdjusted: number;
  /** pAdjusted < alpha and the effect's confidence interval excludes zero. */
  readonly significant: boolean;
  /** Per measured level: its least-squares mean, its raw mean over the rows measured at it, and how many rows. */
  readonly levels: readonly { readonly level: string; readonly mean: number; readonly rawMean: number; readonly n: number }[];
  readonly nonMonotonic?: boolean;
  readonly kind: 'numeric' | 'boolean' | 'categorical';
  /** 95% CI of effectSize (from the ANOVA residual mean square). */
  readonly ci: ConfidenceInterval;
  /** effectSize relative to the metric's grand mean. */
  readonly relativeEffect: number;
  readonly partialEtaSquared: number;
  readonly fStatistic: number;
  readonly df: readonly [number, number];
  /** The levels effectSize compares (low, high). */
  readonly fromLevel: string;
  readonly toLevel: string;
  /** For a non-monotonic numeric knob: the interior level where the metric turns. */
  readonly turningLevel?: string;
  readonly turningKind?: 'minimum' | 'maximum';
  /**
   * The model the F test compared within: the whole model (main effects, pairwise interactions and, pooled,
   * environment blocks and environment × knob terms); without the knob × knob interactions; or main effects and
   * environment blocks only — the largest the data can estimate without aliasing and with a residual.
   */
  readonly testedIn: EffectModel;
  /** The model the least-squares means come from ('not-estimable': a level or cell needed was never measured). */
  readonly estimatedIn: EffectModel | 'not-estimable';
}

export type EffectModel = 'full-model' | 'without-interactions' | 'main-effects-model';

export interface InteractionEffect {
  readonly knobs: readonly [string, string];
  /**
   * Difference of differences at the knobs' extreme levels, in the metric's unit, from the fitted model's
   * least-squares cell means (NaN when a corner cell was never measured):
   * y(a_hi, b_hi) − y(a_hi, b_lo) − y(a_lo, b_hi) + y(a_lo, b_lo). Positive: raising one knob makes the other's
   * effect larger.
   */
  readonly effectSize: number;
  /** Unadjusted p-value of the Type II F test. */
  readonly pValue: number;
  /** pValue adjusted for every main-effect and interaction test of the metric (MetricEffects.pAdjustMethod). */
  readonly pAdjusted: number;
  /** pAdjusted < alpha and the effect's confidence interval excludes zero. */
  readonly significant: boolean;
  readonly ci: ConfidenceInterval;
  readonly relativeEffect: number;
  readonly partialEtaSquared: number;
  readonly fStatistic: number;
  readonly df: readonly [number, number];
  /** Tested on the linear×linear contrast because the full interaction would need too many columns. */
  readonly linearContrast: boolean;
  /** As KnobEffect.testedIn; below 'full-model' the interaction is added alone to that model and judged by its residual. */
  readonly testedIn: EffectModel;
  readonly estimatedIn: EffectModel | 'not-estimable';
}

export interface MetricEffects {
  readonly main: readonly KnobEffect[];
  readonly interactions: readonly InteractionEffect[];
  /** Regression-tree importance (share of squared-error reduction), summing to 1 when any split was made. */
  readonly importance: readonly { readonly knob: string; readonly importance: number }[];
  readonly grandMean: number;
  /** Rows in the ANOVA. */
  readonly n: number;
  /** Residual mean square and its degrees of freedom (the noise every effect is judged against). */
  readonly residualMeanSquare: number;
  readonly residualDf: number;
  /** Share of the variance within environments explained by all main effects, pairwise interactions and (pooled) environment × knob interactions. */
  readonly rSquared: number;
  /**
   * 'type-II': each term's F test compares the model with and without it, keeping every other term that does not
   * contain it (statsmodels anova_lm(typ=2)).
   */
  readonly testType: 'type-II';
  /** How the p-values of the metric's effect tests were adjusted together before any was called significant. */
  readonly pAdjustMethod: 'holm';
  /** The metrics whose tests formed one family for that adjustment: all objectives together, or this metric alone. */
  readonly pAdjustFamily: readonly string[];
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
  /** Configurations measured in both environments (what every number above is computed over). */
  readonly commonConfigurations: number;
  /**
   * Bootstrap 95% CI of regret.percent over the whole selection: every common configuration's repetitions are resampled
   * in both environments and both bests picked again in each resample (NaN without repetitions).
   */
  readonly regretPercentCi: ConfidenceInterval;
  /** Bootstrap 95% CI of regret.absolute. */
  readonly regretAbsoluteCi: ConfidenceInterval;
  /** The source's best configuration, and the target's. */
  readonly sourceBest: string;
  readonly targetBest: string;
  /** Significant pairwise interactions in both, either environment (Jamshidi M11–M13). */
  readonly interactionsAgree: number;
  /** Correlation of the two environments' knob-importance vectors (M10). */
  readonly importanceCorrelation: number;
  /** Knobs whose significant main effect has opposite signs in the two environments. */
  readonly signFlips: readonly string[];
  /**
   * Set when the pair has too little support for any statement: every correlation, overlap, KL and regret
   * number is then NaN (null in JSON) and the pair only records why.
   */
  readonly withheld?: { readonly code: 'too-few-common-configurations'; readonly message: string };
  /** The regret as measured, before ties within noise are set to 0 (regret is 0 when the source's best is within noise of the target's best). */
  readonly observedRegret?: { readonly absolute: number; readonly percent: number };
  /**
   * p-value that the source's best is worse than the target's best in the target: one-sided t tests against every other
   * common configuration (pooled repetition variance, log scale for positive metrics), Bonferroni over them; NaN without repetitions.
   */
  readonly regretPValue?: number;
  /** regretPValue after Holm's adjustment over all pairs of this metric. */
  readonly regretPValueAdjusted?: number;
  /** Adjusted p < alpha and the bootstrap interval of the whole selection excludes 0. Never true without repetitions. */
  readonly regretSignificant?: boolean;
  /** One-way ANOVA p-value that configurations differ beyond repetition noise in the source and in the target (NaN without repetitions). */
  readonly configurationsDifferPValue?: { readonly source: number; readonly target: number };
}

/** Pearson correlations of configurations' performance across the values of one context dimension. */
export interface CorrelationMatrix {
  readonly metric: string;
  /** 'environment': across all environments; 'model' | 'workload' | 'load': across that dimension's values,
   * matching configurations with the other two dimensions held equal. */
  readonly across: 'environment' | 'model' | 'workload' | 'load';
  readonly labels: readonly string[];
  /** values[i][j]; NaN (null in JSON) where fewer than 5 configurations are common. */
  readonly values: readonly (readonly number[])[];
}

export interface Finding {
  readonly rank: number;
  readonly kind: string;
  readonly text: string;
  readonly score: number;
  readonly numbers: Readonly<Record<string, number>>;
  /** Why it holds, from the latency decomposition and the measured load (absent where nothing can be compared). */
  readonly explanation?: Explanation;
}

/** A finding before ranking, with what it is about (for its explanation). */
export type Candidate = Omit<Finding, 'rank' | 'explanation'> & { readonly subject?: FindingSubject };

export interface AnalysisResult {
  readonly objectives: readonly Objective[];
  readonly environments: readonly Environment[];
  readonly pareto: readonly ParetoResult[];
  readonly effects: Readonly<Record<string, MetricEffects>>;
  readonly transfer: readonly TransferPair[];
  readonly prediction: PredictionResult;
  readonly findings: readonly Finding[];
  readonly excluded: Exclusions;
  readonly paretoMembership: ParetoMembership;
  /** Effects per environment key, then per metric. */
  readonly effectsByEnvironment: Readonly<Record<string, Readonly<Record<string, MetricEffects>>>>;
  readonly correlationMatrices: readonly CorrelationMatrix[];
  /** Knobs and their levels as analysed. */
  readonly knobs: readonly { readonly name: string; readonly kind: 'numeric' | 'boolean' | 'categorical'; readonly levels: readonly string[] }[];
  /** Metrics analysed (those measured in every valid row). */
  readonly metrics: readonly string[];
  readonly settings: AnalysisSettings;
  /** Co-located models: interference per model and consolidated deployments; absent when no model was co-served. */
  readonly colocation?: ColocationAnalysis;
}

export interface AnalysisSettings {
  readonly seed: number;
  /** Significance level of every test. */
  readonly alpha: number;
  readonly confidenceLevel: number;
  readonly maxCv: number;
  readonly bootstrapResamples: number;
  /** Fraction of configurations defining the top and bottom sets in transfer overlaps. */
  readonly topFraction: number;
}

export type PredictionModelKind = 'linear-interactions' | 'regression-tree' | 'random-forest';

/** One learning curve: a model's error on held-out configurations as its training sample grows. */
export interface LearningCurve {
  readonly metric: string;
  /** The environment sampled, or 'all' when every environment was pooled (environment one-hot as features). */
  readonly environment: string;
  readonly model: PredictionModelKind;
  /** Held-out configurations every point is scored on. */
  readonly heldOut: number;
  readonly points: readonly {
    readonly sampleSize: number;
    /** Mean absolute percentage error (%), mean over `repeats` random samples. */
    readonly mape: number;
    /** Range of the repeats' MAPE. */
    readonly mapeRange: ConfidenceInterval;
    readonly repeats: number;
  }[];
}

/** Transfer model (source model + linear correction fitted on a few target samples) vs learning on the target. */
export interface TransferModelComparison {
  readonly metric: string;
  readonly source: string;
  readonly target: string;
  /** Model learned on the source (all its configurations, capped). */
  readonly sourceModel: PredictionModelKind;
  readonly heldOut: number;
  readonly points: readonly {
    readonly targetSamples: number;
    /** MAPE (%) of a + b·f_source(c), a and b fitted by least squares on the target samples. */
    readonly transferMape: number;
    /** MAPE (%) of the best target-only model trained on the same samples. */
    readonly targetOnlyMape: number;
    readonly targetOnlyModel: PredictionModelKind;
    readonly repeats: number;
  }[];
}

export interface PredictionResult {
  readonly models: readonly PredictionModelKind[];
  /** Names of the features the models see (numeric knobs as values scaled to [0, 1], categorical one-hot). */
  readonly features: readonly string[];
  readonly learningCurves: readonly LearningCurve[];
  readonly transfer: readonly TransferModelComparison[];
  /** Why a part was skipped (too few configurations, single environment), if it was. */
  readonly notes: readonly string[];
}
