/** The three prediction models behind one interface: fit on encoded rows, predict one encoded row. */
import { analysisRng } from '../stats/seeded.js';
import { fitSubset, GramMatrix } from '../stats/least-squares.js';
import type { PredictionModelKind } from '../types.js';
import { RandomForest, RegressionTree } from '../../core/regression-tree.js';

export type Predictor = (row: Float64Array) => number;

export function trainPredictor(kind: PredictionModelKind, rows: readonly Float64Array[], y: readonly number[], knobOf: readonly number[], seed: number): Predictor {
  if (kind === 'linear-interactions') return trainLinearWithInteractions(rows, y, knobOf);
  const features = rows[0]?.length ?? 0;
  const columns = Array.from({ length: features }, (_, f) => Float64Array.from(rows, (row) => row[f]!));
  const indexes = rows.map((_, i) => i);
  if (kind === 'regression-tree') {
    const tree = new RegressionTree(columns, y, indexes, { maxDepth: 10, minLeaf: 2 });
    return (row) => tree.predict(row);
  }
  const forest = new RandomForest(columns, y, indexes, analysisRng(seed, 'forest'), { trees: 20 });
  return (row) => forest.predict(row);
}

/**
 * Least squares over the features and all their pairwise products (a performance-influence model with
 * interactions); a small ridge keeps it solvable when there are fewer samples than terms.
 */
function trainLinearWithInteractions(rows: readonly Float64Array[], y: readonly number[], knobOf: readonly number[]): Predictor {
  const features = rows[0]?.length ?? 0;
  const pairs: [number, number][] = [];
  for (let a = 0; a < features; a++) for (let b = a + 1; b < features; b++) if (knobOf[a] !== knobOf[b]) pairs.push([a, b]);
  const width = 1 + features + pairs.length;
  const expand = (row: Float64Array): Float64Array => {
    const out = new Float64Array(width);
    out[0] = 1;
    for (let f = 0; f < features; f++) out[1 + f] = row[f]!;
    pairs.forEach(([a, b], i) => (out[1 + features + i] = row[a]! * row[b]!));
    return out;
  };
  const meanY = y.reduce((s, v) => s + v, 0) / Math.max(1, y.length);
  const gram = new GramMatrix(width, 1);
  const all = Array.from({ length: width }, (_, i) => i);
  for (let i = 0; i < rows.length; i++) {
    const centred = y[i]! - meanY;
    gram.add(all, expand(rows[i]!), 1, [centred], [centred * centred]);
  }
  const beta = fitSubset(gram, all, 1e-3).coefficients[0]!;
  return (row) => {
    const x = expand(row);
    let sum = meanY;
    for (let i = 0; i < width; i++) sum += beta[i]! * x[i]!;
    return sum;
  };
}

/** Mean absolute percentage error (%), skipping zero targets. */
export function mape(predict: Predictor, rows: readonly Float64Array[], y: readonly number[]): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    if (y[i] === 0) continue;
    sum += Math.abs(predict(rows[i]!) - y[i]!) / Math.abs(y[i]!);
    n++;
  }
  return n > 0 ? (100 * sum) / n : Number.NaN;
}
