/** Section 10: how well performance models predict unmeasured configurations, against sample size. */
import type { Block, Section } from '../document.js';
import { predictionFigure } from '../figures/prediction-figure.js';
import { environmentLabel, formatNumber, metricTitle } from '../../core/format.js';
import { escapeInline } from '../inline.js';
import { predictionPoints, type PredictionPoint } from '../prediction.js';
import { figureBlocks, type SectionContext } from './context.js';

export async function predictionSection(context: SectionContext): Promise<Section> {
  const points = predictionPoints(context.input.analysis.prediction);
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text:
        'If a model learned from a few measured configurations predicts the rest well, a study can measure fewer configurations. ' +
        'Each performance model is trained on a random sample of measured configurations and scored by its mean absolute ' +
        'percentage error (MAPE) on configurations it did not see. The transfer variant learns on a source environment and ' +
        'corrects with a few target samples, as in Jamshidi et al. (SEAMS 2017).',
    },
  ];
  const notes = context.input.analysis.prediction.notes;
  if (notes.length > 0) blocks.push({ kind: 'list', items: notes.map((note) => `Note from the analysis: ${escapeInline(note)}`) });
  if (points.length === 0) {
    blocks.push({ kind: 'paragraph', text: 'The analysis produced no prediction curves for this study.' });
    return { id: 'prediction', title: 'Prediction accuracy against sample size', blocks };
  }
  blocks.push(...(await figureBlocks(predictionFigure(points))));
  blocks.push(finalErrorTable(points));
  blocks.push(transferComparisonTable(context));
  return { id: 'prediction', title: 'Prediction accuracy against sample size', blocks };
}

/** MAPE at the smallest and largest sample size, per metric, learner and strategy. */
function finalErrorTable(points: readonly PredictionPoint[]): Block {
  const groups = new Map<string, PredictionPoint[]>();
  for (const point of points) {
    const key = [point.metric, point.learner, point.strategy].join('\u0000');
    groups.set(key, [...(groups.get(key) ?? []), point]);
  }
  const rows = [...groups.values()].map((group) => {
    const sizes = [...new Set(group.map((point) => point.sampleSize))].sort((a, b) => a - b);
    const meanAt = (size: number): number => {
      const at = group.filter((point) => point.sampleSize === size);
      return at.reduce((sum, point) => sum + point.mapePercent, 0) / at.length;
    };
    const first = group[0]!;
    const smallest = sizes[0]!;
    const largest = sizes[sizes.length - 1]!;
    return [
      first.metric ? escapeInline(metricTitle(first.metric)) : '–',
      escapeInline(first.learner),
      escapeInline(first.strategy),
      `${formatNumber(meanAt(smallest))}% at ${smallest}`,
      `${formatNumber(meanAt(largest))}% at ${largest}`,
    ];
  });
  return {
    kind: 'table',
    headers: ['metric', 'performance model', 'learns from', 'MAPE, fewest samples', 'MAPE, most samples'],
    numericColumns: [3, 4],
    rows,
  };
}

/** Transfer model against learning on the target alone, at the fewest target samples, per environment pair. */
function transferComparisonTable(context: SectionContext): Block {
  const comparisons = context.input.analysis.prediction.transfer;
  const rows = comparisons.slice(0, 12).flatMap((comparison) => {
    const first = comparison.points[0];
    if (!first) return [];
    return [[
      `${escapeInline(environmentLabel(comparison.source))} → ${escapeInline(environmentLabel(comparison.target))}`,
      escapeInline(metricTitle(comparison.metric)),
      String(first.targetSamples),
      `${formatNumber(first.transferMape)}%`,
      `${formatNumber(first.targetOnlyMape)}% (${escapeInline(first.targetOnlyModel)})`,
    ]];
  });
  return {
    kind: 'table',
    headers: ['source → target', 'metric', 'target samples', 'MAPE with transfer', 'MAPE, target only'],
    numericColumns: [2, 3, 4],
    caption:
      comparisons.length > 12
        ? `The first 12 of ${comparisons.length} source → target comparisons; all are in the exported analysis JSON.`
        : 'Transfer from a source environment against learning on the target alone, with the same few target samples.',
    rows,
  };
}
