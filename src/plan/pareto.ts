/**
 * Objectives as the samplers see them: minimization vectors of a trial's metrics, and their scaling. Dominance
 * and hypervolume are in core/pareto.ts.
 */
export interface Objective {
  /** Metric name without prefix, e.g. 'p99_ms'. */
  readonly metric: string;
  readonly direction: 'min' | 'max';
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
