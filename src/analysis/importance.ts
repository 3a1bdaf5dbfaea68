/**
 * Knob importance from a regression tree over configuration means: each knob's share of the squared-error
 * reduction. Pooled over environments, each configuration's mean is divided by its environment's mean so
 * that the difference between environments does not masquerade as a knob's importance.
 */
import { analysisRng } from './stats/seeded.js';
import { RegressionTree } from '../core/regression-tree.js';
import type { ConfigGroup, PreparedStudy } from './prepare.js';

/** Trees are grown on at most this many configurations (a seeded sample). */
export const IMPORTANCE_SAMPLE_LIMIT = 2000;

export function knobImportance(
  study: PreparedStudy,
  groups: readonly ConfigGroup[],
  pooled: boolean,
  seed: number,
  metricNames: readonly string[] = study.metrics,
): Record<string, { knob: string; importance: number }[]> {
  const rng = analysisRng(seed, 'importance');
  const sample = groups.length > IMPORTANCE_SAMPLE_LIMIT ? rng.shuffle(groups).slice(0, IMPORTANCE_SAMPLE_LIMIT) : groups;
  const columns = study.knobs.map((_, k) => Float64Array.from(sample, (g) => g.levelIndex[k]!));
  const indexes = sample.map((_, i) => i);
  const result: Record<string, { knob: string; importance: number }[]> = {};
  for (const metric of metricNames) {
    const m = study.metrics.indexOf(metric);
    const environmentMeans = new Map<number, { sum: number; n: number }>();
    for (const g of sample) {
      const entry = environmentMeans.get(g.environmentIndex) ?? { sum: 0, n: 0 };
      entry.sum += g.means[m]!;
      entry.n++;
      environmentMeans.set(g.environmentIndex, entry);
    }
    const y = Float64Array.from(sample, (g) => {
      if (!pooled) return g.means[m]!;
      const entry = environmentMeans.get(g.environmentIndex)!;
      const scale = entry.sum / entry.n;
      return scale !== 0 ? g.means[m]! / scale : g.means[m]!;
    });
    const tree = new RegressionTree(columns, y, indexes, { maxDepth: 8, minLeaf: 2 });
    result[metric] = study.knobs
      .map((knob, k) => ({ knob: knob.name, importance: tree.importance[k]! }))
      .sort((a, b) => b.importance - a.importance);
  }
  return result;
}
