/**
 * The figures of the live page, recomputed from the current trials: the report's own Vega-Lite figures
 * (Pareto fronts, main effects, the transfer heatmap) over the same analysis the report runs (less the
 * prediction models), plus the hypervolume's convergence. Compiled to Vega here, so the page needs only the
 * Vega runtime to draw them. Runs in the dashboard's worker thread: at 10,000 trials it takes about a second.
 */
import { analyzeTrials } from '../analysis/analyze.js';
import type { AnalysisResult } from '../analysis/types.js';
import { isServelabError } from '../core/errors.js';
import { mainEffectsFigure } from '../report/figures/effects-figures.js';
import { paretoFigure } from '../report/figures/pareto-figure.js';
import { compileFigure, type FigureDefinition } from '../report/figures/render.js';
import { transferHeatmap } from '../report/figures/transfer-figures.js';
import { metricTitle } from '../core/format.js';
import { trialPoints } from '../report/trial-points.js';
import { convergenceFigure } from './convergence-figure.js';
import { analysisRow } from './dashboard-rows.js';
import { hypervolumeTrace } from './hypervolume-trace.js';
import type { AnalysisView, DashboardRow, LiveFigure, StudyInfo } from './types.js';

export type LiveAnalysis = Omit<AnalysisView, 'version' | 'trialsVersion'>;

export function liveAnalysis(rows: readonly DashboardRow[], study: StudyInfo, seed: number, nowMs: number = Date.now()): LiveAnalysis {
  const startedMs = performance.now();
  const notes: string[] = [];
  const done = (figures: LiveFigure[], hypervolume: AnalysisView['hypervolume'] = []): LiveAnalysis => ({
    figures,
    notes,
    hypervolume,
    computedAt: new Date(nowMs).toISOString(),
    durationMs: performance.now() - startedMs,
  });
  if (!rows.some((row) => row.verdict === 'valid')) {
    notes.push('No completed, valid trial yet: the figures appear with the first one.');
    return done([]);
  }
  let analysis: AnalysisResult;
  try {
    analysis = analyzeTrials(rows.map(analysisRow), { objectives: study.objectives, seed, skipPrediction: true });
  } catch (error) {
    if (!isServelabError(error)) throw error;
    notes.push(`The analysis cannot run yet: ${error.message}`);
    return done([]);
  }
  const environmentOrder = orderEnvironments(analysis.environments.map((environment) => environment.key), study);
  const objectives = analysis.objectives.map((objective) => objective.metric);
  const xMetric = objectives[0] ?? 'p99_ms';
  const yMetric = objectives[1] ?? (xMetric === 'achieved_rps' ? 'p99_ms' : 'achieved_rps');
  const definitions: (FigureDefinition | undefined)[] = [
    need(paretoFigure(trialPoints(rows.map(analysisRow), study.knobs), analysis.pareto, xMetric, yMetric, environmentOrder), 'Pareto fronts: no configuration has both objectives measured yet.'),
    need(convergenceFigure(hypervolumeTrace(rows, analysis.objectives, analysis.pareto), environmentOrder), 'Hypervolume: no valid trial with every objective measured yet.'),
  ];
  for (const metric of objectives.slice(0, 2)) {
    const effects = analysis.effects[metric];
    definitions.push(need(effects && mainEffectsFigure(metric, effects), `Knob effects on ${metricTitle(metric)}: not enough configurations yet (the analysis needs two levels of a knob measured).`));
  }
  definitions.push(
    need(
      transferHeatmap(analysis.transfer.filter((pair) => pair.metric === xMetric), xMetric, 'spearman', environmentOrder),
      analysis.environments.length < 2 ? 'Transfer: the study has one environment so far, nothing to transfer between.' : `Transfer of ${metricTitle(xMetric)}: not enough configurations measured in two environments yet.`,
    ),
  );
  const figures = definitions.filter((definition): definition is FigureDefinition => definition !== undefined).map((definition) => ({
    id: definition.id,
    title: definition.title,
    caption: definition.caption,
    vegaSpec: compileFigure(definition).vegaSpec,
  }));
  const hypervolume = environmentOrder.flatMap((key) => {
    const result = analysis.pareto.find((entry) => entry.environment === key);
    return result ? [{ environment: key, normalized: result.normalizedHypervolume, configurations: result.configurations, frontSize: result.front.filter((member) => !member.withinNoise).length }] : [];
  });
  return done(figures, hypervolume);

  function need(definition: FigureDefinition | undefined, why: string): FigureDefinition | undefined {
    if (!definition) notes.push(why);
    return definition;
  }
}

/** Environments by the study's order of models, workloads and loads (as the report orders them), others after. */
export function orderEnvironments(keys: readonly string[], study: Pick<StudyInfo, 'models' | 'workloads' | 'loads'>): string[] {
  const rank = (list: readonly string[], value: string): number => {
    const index = list.indexOf(value);
    return index < 0 ? list.length : index;
  };
  return [...keys].sort((a, b) => {
    const [am = '', aw = '', al = ''] = a.split('|');
    const [bm = '', bw = '', bl = ''] = b.split('|');
    return rank(study.models, am) - rank(study.models, bm) || rank(study.workloads, aw) - rank(study.workloads, bw) || rank(study.loads, al) - rank(study.loads, bl) || a.localeCompare(b);
  });
}
