/** The whole analysis as one pure function of the trial rows. */
import type { TrialRow } from '../core/trial.js';
import { colocationAnalysis, type ColocationAnalysis } from './colocation.js';
import { correlationMatrices } from './correlation-matrix.js';
import { computeEffects } from './effects.js';
import { explainFinding } from './explanations.js';
import { rankFindings } from './findings.js';
import { paretoFronts, paretoMembership } from './pareto.js';
import { predictionAnalysis } from './prediction.js';
import { DEFAULT_MAX_CV, prepareStudy } from './prepare.js';
import { DEFAULT_RESAMPLES } from './stats/bootstrap.js';
import { transferPairs } from './transfer.js';
import type { AnalysisResult, AnalysisSettings, MetricEffects, ModelProperties, Objective } from './types.js';

export interface AnalyzeOptions {
  readonly objectives?: readonly Objective[];
  readonly seed?: number;
  readonly alpha?: number;
  readonly maxCv?: number;
  readonly topFraction?: number;
  /** Skip the prediction models (the slowest part). */
  readonly skipPrediction?: boolean;
  /**
   * Treat the machine that ran each trial (distributed studies) as part of its environment, so machines of
   * different kinds are compared only with themselves. Off by default: the machine is then ignored.
   */
  readonly byMachine?: boolean;
  /** Model properties (from model cards) set beside each other when a finding compares two models. */
  readonly models?: Readonly<Record<string, ModelProperties>>;
}

export function analyzeTrials(rows: readonly TrialRow[], options: AnalyzeOptions = {}): AnalysisResult {
  const settings: AnalysisSettings = {
    seed: options.seed ?? 1,
    alpha: options.alpha ?? 0.05,
    confidenceLevel: 0.95,
    maxCv: options.maxCv ?? DEFAULT_MAX_CV,
    bootstrapResamples: DEFAULT_RESAMPLES,
    topFraction: options.topFraction ?? 0.1,
  };
  const input = options.byMachine ? rows : rows.map(withoutMachine);
  const study = prepareStudy(input, { ...(options.objectives ? { objectives: options.objectives } : {}), maxCv: settings.maxCv });
  const pooled = study.environments.length > 1;
  // Every effect test of an objective can become a finding: they are Holm-adjusted as one family.
  const familyMetrics = study.objectives.map((objective) => objective.metric);
  const effects = computeEffects(study, study.groups, { alpha: settings.alpha, pooled, seed: settings.seed, familyMetrics });
  const effectsByEnvironment: Record<string, Record<string, MetricEffects>> = {};
  for (const environment of study.environments) {
    effectsByEnvironment[environment.key] = pooled
      ? computeEffects(study, study.groupsByEnvironment.get(environment.key)!, { alpha: settings.alpha, pooled: false, seed: settings.seed, familyMetrics, importanceMetrics: study.objectives.map((o) => o.metric) })
      : effects;
  }
  const pareto = paretoFronts(study, settings.seed);
  const membership = paretoMembership(study, pareto);
  const transfer = transferPairs(study, pareto, effectsByEnvironment, { topFraction: settings.topFraction, seed: settings.seed, resamples: settings.bootstrapResamples, alpha: settings.alpha });
  const prediction = options.skipPrediction
    ? { models: [], features: [], learningCurves: [], transfer: [], notes: ['prediction skipped on request'] }
    : predictionAnalysis(study, settings.seed);
  const partial = {
    objectives: study.objectives,
    environments: study.environments,
    pareto,
    effects,
    effectsByEnvironment,
    transfer,
    paretoMembership: membership,
  };
  return {
    ...partial,
    prediction,
    findings: rankFindings(partial, settings.alpha, (subject) => explainFinding(subject, study, options.models)),
    excluded: study.excluded,
    correlationMatrices: correlationMatrices(study),
    knobs: study.knobs.map((k) => ({ name: k.name, kind: k.kind, levels: k.levels.map(String) })),
    metrics: study.metrics,
    settings,
    ...colocationPart(rows, settings.confidenceLevel),
  };
}

function colocationPart(rows: readonly TrialRow[], confidenceLevel: number): { colocation?: ColocationAnalysis } {
  const colocation = colocationAnalysis(rows, confidenceLevel);
  return colocation ? { colocation } : {};
}

function withoutMachine(row: TrialRow): TrialRow {
  if (row.context.machine === undefined) return row;
  const { machine: _machine, ...context } = row.context;
  return { ...row, context };
}
