/**
 * The figures of the live page, recomputed from the current trials with the report's own Vega-Lite figure
 * builders, compiled to Vega here so the page needs only the Vega runtime. Two parts with their own cadence:
 * - fronts: the analysis' Pareto fronts (its own preparation and front computation, without the rest), the
 *   Pareto figure, the hypervolume's convergence; a few hundred milliseconds at 10,000 trials;
 * - effects: the whole analysis (less the prediction models) for the knob effects and the transfer heatmap;
 *   seconds at 10,000 trials, so it runs in a worker of its own and less often.
 */
import { analyzeTrials } from '../analysis/analyze.js';
import { paretoFronts } from '../analysis/pareto.js';
import { prepareStudy } from '../analysis/prepare.js';
import type { Objective, ParetoResult } from '../analysis/types.js';
import { isServelabError } from '../core/errors.js';
import { metricTitle } from '../core/format.js';
import type { TrialRow } from '../core/trial.js';
import { mainEffectsFigure } from '../report/figures/effects-figures.js';
import { paretoFigure } from '../report/figures/pareto-figure.js';
import { compileFigure, type FigureDefinition } from '../report/figures/render.js';
import { transferHeatmap } from '../report/figures/transfer-figures.js';
import { trialPoints } from '../report/trial-points.js';
import { convergenceFigure } from './convergence-figure.js';
import { analysisRow } from './dashboard-rows.js';
import { hypervolumeTrace } from './hypervolume-trace.js';
import type { AnalysisPart, DashboardRow, HypervolumeEntry, LiveFigure, StudyInfo } from './types.js';

export type AnalysisPartName = 'fronts' | 'effects';


export function liveAnalysisPart(part: AnalysisPartName, rows: readonly DashboardRow[], study: StudyInfo, seed: number, nowMs: number = Date.now()): AnalysisPart {
  const startedMs = performance.now();
  const notes: string[] = [];
  const definitions: FigureDefinition[] = [];
  let hypervolume: HypervolumeEntry[] = [];
  const need = (definition: FigureDefinition | undefined, why: string): void => {
    if (definition) definitions.push(definition);
    else notes.push(why);
  };
  if (!rows.some((row) => row.verdict === 'valid')) {
    if (part === 'fronts') notes.push('No completed, valid trial yet: the figures appear with the first one.');
  } else {
    const trialRows = rows.map(analysisRow);
    try {
      if (part === 'fronts') hypervolume = frontFigures(rows, trialRows, study, seed, need);
      else effectFigures(trialRows, study, seed, need);
    } catch (error) {
      if (!isServelabError(error)) throw error;
      notes.push(`The analysis cannot run yet: ${error.message}`);
      definitions.length = 0;
    }
  }
  const figures: LiveFigure[] = definitions.map((definition) => ({ id: definition.id, title: definition.title, caption: definition.caption, vegaSpec: compileFigure(definition).vegaSpec }));
  const finished = rows.filter((row) => row.state === 'completed' || row.state === 'failed').length;
  return { figures, notes, hypervolume, trials: rows.length, finished, computedAt: new Date(nowMs).toISOString(), durationMs: performance.now() - startedMs };
}

type Need = (definition: FigureDefinition | undefined, why: string) => void;

/** The analysis' fronts (prepared and computed as analyzeTrials does), their figure and their convergence. */
function frontFigures(rows: readonly DashboardRow[], trialRows: readonly TrialRow[], study: StudyInfo, seed: number, need: Need): HypervolumeEntry[] {
  // The analysis ignores the machine unless asked (analyzeTrials' default), so the fronts do too.
  const prepared = prepareStudy(trialRows.map(withoutMachine), { objectives: study.objectives });
  const pareto = paretoFronts(prepared, seed);
  const order = orderEnvironments(prepared.environments.map((environment) => environment.key), study);
  const [xMetric, yMetric] = plottedObjectives(prepared.objectives);
  need(paretoFigure(trialPoints(trialRows, study.knobs), pareto, xMetric, yMetric, order), 'Pareto fronts: no configuration has both objectives measured yet.');
  need(convergenceFigure(hypervolumeTrace(rows, prepared.objectives, pareto), order), 'Hypervolume: no valid trial with every objective measured yet.');
  return hypervolumeEntries(pareto, order);
}

function effectFigures(trialRows: readonly TrialRow[], study: StudyInfo, seed: number, need: Need): void {
  const analysis = analyzeTrials(trialRows, { objectives: study.objectives, seed, skipPrediction: true });
  const order = orderEnvironments(analysis.environments.map((environment) => environment.key), study);
  const [xMetric] = plottedObjectives(analysis.objectives);
  for (const objective of analysis.objectives.slice(0, 2)) {
    const effects = analysis.effects[objective.metric];
    need(effects && mainEffectsFigure(objective.metric, effects), `Knob effects on ${metricTitle(objective.metric)}: not enough configurations yet (two levels of a knob must be measured).`);
  }
  need(
    transferHeatmap(analysis.transfer.filter((pair) => pair.metric === xMetric), xMetric, 'spearman', order),
    analysis.environments.length < 2 ? 'Transfer: the study has one environment so far, nothing to transfer between.' : `Transfer of ${metricTitle(xMetric)}: not enough configurations measured in two environments yet.`,
  );
}

/** The two objectives the figures plot, as the report chooses them. */
function plottedObjectives(objectives: readonly Objective[]): [string, string] {
  const x = objectives[0]?.metric ?? 'p99_ms';
  return [x, objectives[1]?.metric ?? (x === 'achieved_rps' ? 'p99_ms' : 'achieved_rps')];
}

function hypervolumeEntries(pareto: readonly ParetoResult[], order: readonly string[]): HypervolumeEntry[] {
  return order.flatMap((key) => {
    const result = pareto.find((entry) => entry.environment === key);
    return result ? [{ environment: key, normalized: result.normalizedHypervolume, configurations: result.configurations, frontSize: result.front.filter((member) => !member.withinNoise).length }] : [];
  });
}

function withoutMachine(row: TrialRow): TrialRow {
  if (row.context.machine === undefined) return row;
  const { machine: _machine, ...context } = row.context;
  return { ...row, context };
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
