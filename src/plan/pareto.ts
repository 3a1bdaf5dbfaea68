/**
 * Pareto dominance and hypervolume for the samplers (all objectives as minimization vectors). The hypervolume
 * is exact: a sweep in two dimensions, slicing by the last objective above two (fine for fronts of a few
 * hundred points, which is what a study produces).
 */
export interface Objective {
  /** Metric name without prefix, e.g. 'p99_ms'. */
  readonly metric: string;
  readonly direction: 'min' | 'max';
}

/** a dominates b: no worse in every objective and better in one (minimization). */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]! > b[i]!) return false;
    if (a[i]! < b[i]!) better = true;
  }
  return better;
}

/** Indices of the non-dominated points (duplicates of a front point are all kept). */
export function paretoFrontIndices(points: readonly (readonly number[])[]): number[] {
  const front: number[] = [];
  for (let i = 0; i < points.length; i++) {
    if (!points.some((other, j) => j !== i && dominates(other, points[i]!))) front.push(i);
  }
  return front;
}

/** The volume dominated by the points and bounded by the reference point (minimization). */
export function hypervolume(points: readonly (readonly number[])[], reference: readonly number[]): number {
  const inside = points.filter((point) => point.every((value, i) => value < reference[i]!));
  if (inside.length === 0) return 0;
  return volume(inside.map((point) => point.slice()), reference.slice());
}

function volume(points: number[][], reference: number[]): number {
  const dims = reference.length;
  if (dims === 1) return reference[0]! - Math.min(...points.map((point) => point[0]!));
  if (dims === 2) return sweep2d(points, reference);
  const last = dims - 1;
  const sorted = points.slice().sort((a, b) => a[last]! - b[last]!);
  let total = 0;
  for (let i = 0; i < sorted.length; i++) {
    const top = i + 1 < sorted.length ? sorted[i + 1]![last]! : reference[last]!;
    const depth = top - sorted[i]![last]!;
    if (depth <= 0) continue;
    const slice = sorted.slice(0, i + 1).map((point) => point.slice(0, last));
    total += depth * volume(nonDominated(slice), reference.slice(0, last));
  }
  return total;
}

function sweep2d(points: number[][], reference: number[]): number {
  const sorted = points.slice().sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let total = 0;
  let bestY = reference[1]!;
  for (const [x, y] of sorted) {
    if (y! < bestY) {
      total += (reference[0]! - x!) * (bestY - y!);
      bestY = y!;
    }
  }
  return total;
}

function nonDominated(points: number[][]): number[][] {
  return paretoFrontIndices(points).map((i) => points[i]!);
}

/** The objective values of a metrics record as a minimization vector (max objectives negated). */
export function minimizationVector(metrics: Readonly<Record<string, number>>, objectives: readonly Objective[]): number[] | undefined {
  const vector: number[] = [];
  for (const objective of objectives) {
    const value = metrics[objective.metric];
    if (value === undefined || !Number.isFinite(value)) return undefined;
    vector.push(objective.direction === 'max' ? -value : value);
  }
  return vector;
}

/** Per-objective min and max of a set of minimization vectors. */
export function bounds(points: readonly (readonly number[])[]): { min: number[]; max: number[] } {
  const dims = points[0]?.length ?? 0;
  const min = Array.from({ length: dims }, (_, i) => Math.min(...points.map((point) => point[i]!)));
  const max = Array.from({ length: dims }, (_, i) => Math.max(...points.map((point) => point[i]!)));
  return { min, max };
}

/** Scales each objective to [0, 1] over the given bounds (a constant objective maps to 0). */
export function normalize(point: readonly number[], range: { min: readonly number[]; max: readonly number[] }): number[] {
  return point.map((value, i) => {
    const span = range.max[i]! - range.min[i]!;
    return span > 0 ? (value - range.min[i]!) / span : 0;
  });
}
