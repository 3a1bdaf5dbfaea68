/**
 * Co-located models, part of the transfer section (the report's section list is fixed): the interference each
 * model suffers from the models it shares a server with, the consolidated deployments' Pareto fronts, and how
 * to read the transfer results whose environments differ only in what was co-served.
 */
import type { ColocationAnalysis } from '../../analysis/colocation.js';
import { configurationLabel, formatNumber } from '../../core/format.js';
import type { Block } from '../document.js';
import { consolidatedParetoFigure, interferenceFigure } from '../figures/colocation-figures.js';
import { figureBlocks, type SectionContext } from './context.js';

export async function colocationBlocks(context: SectionContext): Promise<Block[]> {
  const analysis = context.input.analysis.colocation;
  if (!analysis) return [];
  const level = `${Math.round(analysis.confidenceLevel * 100)}%`;
  const blocks: Block[] = [
    { kind: 'heading', text: 'Co-located models' },
    {
      kind: 'paragraph',
      text:
        'Some models were served together by one server (`colocation` in the study file); which models shared the server is part of each ' +
        'environment above (*alone* or *with a+b*), so the transfer pairs whose only change is *co-served* say whether the best configuration of a ' +
        'model alone stays best when it shares the server. Every model is offered the same rate in every group (its load level of its own solo ' +
        "capacity), so its p99 co-served against its p99 alone, in the same configuration and repetition round, is the interference it suffers. " +
        'Energy per model is an *attribution*: the shared server’s metered total divided by each model’s share of its compute time.',
    },
    interferenceTable(analysis, level),
    ...(await figureBlocks(interferenceFigure(analysis, context.loadOrder))),
    ...(await figureBlocks(consolidatedParetoFigure(analysis))),
    frontTable(analysis, context.knobOrder),
  ];
  if (analysis.notes.length > 0) blocks.push({ kind: 'list', items: [...analysis.notes] });
  return blocks;
}

function interferenceTable(analysis: ColocationAnalysis, level: string): Block {
  if (analysis.interference.length === 0) {
    return { kind: 'paragraph', text: 'No model has valid runs both alone and co-served in the same configuration and repetition, so there is no interference to estimate.' };
  }
  return {
    kind: 'table',
    headers: ['model', 'workload', 'load', 'served with', 'pairs', 'p99 alone (ms)', 'p99 co-served (ms)', 'ratio', `${level} interval`],
    numericColumns: [4, 5, 6, 7],
    rows: analysis.interference.map((estimate) => [
      estimate.model,
      estimate.workload,
      estimate.load,
      estimate.coServed,
      String(estimate.pairs),
      formatNumber(estimate.aloneP99Ms),
      formatNumber(estimate.coServedP99Ms),
      `${formatNumber(estimate.ratio)}${estimate.significant ? ' *' : ''}`,
      estimate.ratioInterval ? `${formatNumber(estimate.ratioInterval[0])} to ${formatNumber(estimate.ratioInterval[1])}` : '–',
    ]),
    caption: `Ratio: geometric mean of p99 co-served / p99 alone over matched (configuration, repetition) pairs; * the ${level} t interval excludes 1.`,
  };
}

function frontTable(analysis: ColocationAnalysis, knobOrder: readonly string[]): Block {
  const front = analysis.consolidated.filter((deployment) => deployment.onFront);
  return {
    kind: 'table',
    headers: ['served together', 'load', 'configuration', 'worst model', 'its p99 (ms)', 'energy per inference of the mix (mJ)'],
    numericColumns: [4, 5],
    rows: front.map((deployment) => [
      deployment.coServed,
      deployment.load,
      configurationLabel(deployment.configuration, knobOrder) || '(defaults)',
      deployment.worstModel,
      formatNumber(deployment.worstP99Ms),
      formatNumber(deployment.mixEnergyJPerInf * 1000),
    ]),
    caption: 'The Pareto-optimal consolidated deployments of each group and load: no other configuration has both a lower worst-model p99 and a lower energy per inference.',
  };
}
