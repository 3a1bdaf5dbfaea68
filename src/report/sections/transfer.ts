/** Section 9: transfer across models, workloads and loads: correlations, top-k overlap, regret. */
import { environmentParts } from '../../analysis/prepare.js';
import type { TransferPair } from '../../analysis/types.js';
import type { Block, Section } from '../document.js';
import { transferHeatmap } from '../figures/transfer-figures.js';
import { environmentLabel, formatNumber, formatPercent, metricTitle, metricUnit } from '../../core/format.js';
import { escapeInline } from '../inline.js';
import { quantile } from '../trial-points.js';
import { colocationBlocks } from './colocation.js';
import { figureBlocks, type SectionContext } from './context.js';

export async function transferSection(context: SectionContext): Promise<Section> {
  const pairs = context.input.analysis.transfer;
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text:
        'Following Jamshidi et al. (ASE 2017), every model · workload · load combination is an *environment*, and for each pair of ' +
        'environments we ask whether what was learned in the source holds in the target: Pearson r > 0.9 means a linear ' +
        'rescaling transfers; Spearman ρ > 0.9 means the ranking of configurations holds; a KL divergence below 3 means the ' +
        'distributions are similar; top-10% overlap says whether the best configurations stay the best. The **regret of transfer** ' +
        "is how much worse the target gets with the source's best configuration than with its own best.",
    },
  ];
  if (pairs.length === 0) {
    blocks.push({ kind: 'paragraph', text: 'The study has a single environment, so there is nothing to transfer between.' });
    blocks.push(...(await colocationBlocks(context)));
    return { id: 'transfer', title: 'Transfer across models, workloads and loads', blocks };
  }
  const metrics = [...context.objectiveMetrics.filter((metric) => pairs.some((pair) => pair.metric === metric))];
  for (const metric of metrics) {
    const metricPairs = pairs.filter((pair) => pair.metric === metric);
    blocks.push({ kind: 'heading', text: metricTitle(metric) });
    blocks.push(changeKindTable(metricPairs));
    blocks.push(...(await figureBlocks(transferHeatmap(metricPairs, metric, 'spearman', context.environmentOrder))));
    if (metric === metrics[0]) blocks.push(...(await figureBlocks(transferHeatmap(metricPairs, metric, 'topOverlap', context.environmentOrder))));
    blocks.push(regretTable(metricPairs, metric));
    blocks.push(...dimensionCorrelationTables(context, metric));
  }
  blocks.push(...(await colocationBlocks(context)));
  return { id: 'transfer', title: 'Transfer across models, workloads and loads', blocks };
}

/** Which part of the environment changed between source and target: the model, the workload, the load, or several. */
export function changeKind(pair: Pick<TransferPair, 'source' | 'target'>): string {
  const parts = (key: string): string[] => {
    const { model, workload, load, coServed } = environmentParts(key);
    return [model, workload, load, coServed === undefined ? '' : coServed === model ? 'alone' : coServed];
  };
  const source = parts(pair.source);
  const target = parts(pair.target);
  const names = ['model', 'workload', 'load', 'co-served'];
  const changed = names.filter((_, index) => source[index] !== target[index]);
  return changed.length === 0 ? 'none' : changed.join(' + ');
}

function changeKindTable(pairs: readonly TransferPair[]): Block {
  const groups = new Map<string, TransferPair[]>();
  for (const pair of pairs) {
    const kind = changeKind(pair);
    groups.set(kind, [...(groups.get(kind) ?? []), pair]);
  }
  const order = ['load', 'workload', 'model', 'workload + load', 'model + load', 'model + workload', 'model + workload + load'];
  const kinds = [...groups.keys()].sort((a, b) => rankOf(order, a) - rankOf(order, b));
  return {
    kind: 'table',
    headers: ['what changes', 'pairs', 'median Pearson r', 'median Spearman ρ', 'median KL', 'median top-10% overlap', 'median regret'],
    numericColumns: [1, 2, 3, 4, 5, 6],
    caption: 'Transfer by kind of environment change (medians over pairs).',
    rows: kinds.map((kind) => {
      const group = groups.get(kind)!;
      const median = (values: number[]): number => quantile(values.filter(Number.isFinite).sort((a, b) => a - b), 0.5);
      return [
        kind,
        String(group.length),
        formatNumber(median(group.map((pair) => pair.pearson)), 2),
        formatNumber(median(group.map((pair) => pair.spearman)), 2),
        formatNumber(median(group.map((pair) => pair.kl)), 2),
        formatPercent(median(group.map((pair) => pair.topOverlap))),
        `${formatNumber(median(group.map((pair) => pair.regret.percent)), 2)}%`,
      ];
    }),
  };
}

function regretTable(pairs: readonly TransferPair[], metric: string): Block {
  // Pairs withheld for too few common configurations have no regret to rank.
  const worst = pairs.filter((pair) => !pair.withheld).sort((a, b) => b.regret.percent - a.regret.percent).slice(0, 10);
  return {
    kind: 'table',
    headers: ['source → target', 'what changes', 'regret (%, 95% CI)', `regret (${escapeInline(metricUnit(metric) || 'metric units')})`, 'Spearman ρ', 'top-10% overlap', 'Pareto overlap'],
    numericColumns: [2, 3, 4, 5, 6],
    caption: `The ${worst.length} transfers with the highest regret for ${metricTitle(metric)}; the full table is in the exported analysis JSON.`,
    rows: worst.map((pair) => [
      `${escapeInline(environmentLabel(pair.source))} → ${escapeInline(environmentLabel(pair.target))}`,
      changeKind(pair),
      Number.isFinite(pair.regretPercentCi[0]) ? `${formatNumber(pair.regret.percent)} [${formatNumber(pair.regretPercentCi[0])}, ${formatNumber(pair.regretPercentCi[1])}]` : formatNumber(pair.regret.percent),
      formatNumber(pair.regret.absolute),
      formatNumber(pair.spearman, 2),
      formatPercent(pair.topOverlap),
      formatPercent(pair.paretoOverlap),
    ]),
  };
}

/**
 * Pearson correlation across the values of one context dimension (e.g. between load levels), matching
 * configurations with the other two dimensions held equal: one table per dimension that has any such pair.
 */
function dimensionCorrelationTables(context: SectionContext, metric: string): Block[] {
  return context.input.analysis.correlationMatrices
    .filter((matrix) => matrix.metric === metric && matrix.across !== 'environment')
    .filter((matrix) => matrix.values.some((row, i) => row.some((value, j) => i !== j && value !== null && Number.isFinite(value))))
    .map((matrix): Block => ({
      kind: 'table',
      headers: [`${matrix.across}`, ...matrix.labels.map((label) => escapeInline(label))],
      numericColumns: matrix.labels.map((_, index) => index + 1),
      caption: `Pearson r of ${metricTitle(metric)} across ${matrix.across}s, over configurations measured with the other dimensions equal (– where fewer than 5 are common).`,
      rows: matrix.labels.map((label, i) => [
        escapeInline(label),
        ...matrix.values[i]!.map((value) => (value === null || !Number.isFinite(value) ? '–' : formatNumber(value, 2))),
      ]),
    }));
}

function rankOf(order: readonly string[], kind: string): number {
  const index = order.indexOf(kind);
  return index === -1 ? order.length : index;
}
