/**
 * Pareto dominance and exact hypervolume, all objectives as minimization vectors (negate the maximized ones
 * first). Used by the adaptive sampler and by the analysis, so both judge a front the same way.
 * The hypervolume is a sweep in two dimensions and slices along the last objective above two: exact, and fast
 * for fronts of the few hundred points a study produces.
 */

/** a dominates b: no worse in every objective and strictly better in one. */
export function dominates(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  let strictly = false;
  for (let j = 0; j < a.length; j++) {
    if (a[j]! > b[j]!) return false;
    if (a[j]! < b[j]!) strictly = true;
  }
  return strictly;
}

/** Indices of the non-dominated points, ascending; equal points on the front are all kept. */
export function paretoFrontIndices(points: readonly ArrayLike<number>[]): number[] {
  const k = points[0]?.length ?? 0;
  const order = points.map((_, i) => i).sort((a, b) => {
    for (let j = 0; j < k; j++) {
      const difference = points[a]![j]! - points[b]![j]!;
      if (difference !== 0) return difference;
    }
    return 0;
  });
  // In lexicographic order a point can only be dominated by an earlier one, and then by a front member.
  const front: number[] = [];
  for (const i of order) {
    if (!front.some((member) => dominates(points[member]!, points[i]!))) front.push(i);
  }
  return front.sort((a, b) => a - b);
}

/** The volume the points dominate, bounded by the reference point; points not below it add nothing. */
export function hypervolume(points: readonly ArrayLike<number>[], reference: ArrayLike<number>): number {
  const k = reference.length;
  const inside = points
    .filter((point) => Array.from({ length: k }, (_, j) => point[j]! < reference[j]!).every(Boolean))
    .map((point) => Float64Array.from({ length: k }, (_, j) => point[j]!));
  return volume(inside, Float64Array.from({ length: k }, (_, j) => reference[j]!), k);
}

function volume(points: Float64Array[], reference: Float64Array, k: number): number {
  if (points.length === 0) return 0;
  if (k === 1) return reference[0]! - Math.min(...points.map((point) => point[0]!));
  if (k === 2) return sweep2d(points, reference);
  const sorted = points.slice().sort((a, b) => a[k - 1]! - b[k - 1]!);
  let total = 0;
  const slice: Float64Array[] = [];
  for (let i = 0; i < sorted.length; i++) {
    slice.push(sorted[i]!);
    const top = i + 1 < sorted.length ? sorted[i + 1]![k - 1]! : reference[k - 1]!;
    const depth = top - sorted[i]![k - 1]!;
    if (depth <= 0) continue;
    const projected = slice.map((point) => point.subarray(0, k - 1));
    const kept = paretoFrontIndices(projected).map((index) => projected[index]!);
    total += depth * volume(kept, reference, k - 1);
  }
  return total;
}

/** Two objectives: sorted by the first, each point that improves the second adds its rectangle. */
function sweep2d(points: Float64Array[], reference: Float64Array): number {
  const sorted = points.slice().sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let area = 0;
  let bestY = reference[1]!;
  for (const point of sorted) {
    if (point[1]! >= bestY) continue;
    area += (reference[0]! - point[0]!) * (bestY - point[1]!);
    bestY = point[1]!;
  }
  return area;
}
