/**
 * Exact hypervolume of a set of points under minimization, bounded by a reference point: a sweep in two
 * dimensions, slicing along the last objective above that (fast for the front sizes a study produces).
 */

/** Indexes of the non-dominated points (minimization). Equal points are all kept. */
export function nonDominated(points: readonly Float64Array[]): number[] {
  const k = points[0]?.length ?? 0;
  const order = points.map((_, i) => i).sort((a, b) => {
    for (let j = 0; j < k; j++) {
      const d = points[a]![j]! - points[b]![j]!;
      if (d !== 0) return d;
    }
    return 0;
  });
  // In lexicographic order a point can only be dominated by an earlier one, and then by a front member.
  const front: number[] = [];
  for (const i of order) {
    const p = points[i]!;
    if (!front.some((f) => dominates(points[f]!, p))) front.push(i);
  }
  return front;
}

export function dominates(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  let strictly = false;
  for (let j = 0; j < a.length; j++) {
    if (a[j]! > b[j]!) return false;
    if (a[j]! < b[j]!) strictly = true;
  }
  return strictly;
}

export function hypervolume(points: readonly ArrayLike<number>[], reference: ArrayLike<number>): number {
  const k = reference.length;
  const inside = points
    .filter((p) => Array.from({ length: k }, (_, j) => p[j]! < reference[j]!).every(Boolean))
    .map((p) => Float64Array.from({ length: k }, (_, j) => p[j]!));
  return volume(inside, Float64Array.from({ length: k }, (_, j) => reference[j]!), k);
}

function volume(points: Float64Array[], reference: Float64Array, k: number): number {
  if (points.length === 0) return 0;
  if (k === 1) return reference[0]! - Math.min(...points.map((p) => p[0]!));
  if (k === 2) {
    const sorted = points.slice().sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
    let area = 0;
    let bestY = reference[1]!;
    for (let i = 0; i < sorted.length; i++) {
      const p = sorted[i]!;
      if (p[1]! >= bestY) continue;
      // Strip from this x to the next x that improves y is accounted as we go: add the rectangle above p.
      area += (reference[0]! - p[0]!) * (bestY - p[1]!);
      bestY = p[1]!;
    }
    return area;
  }
  const sorted = points.slice().sort((a, b) => a[k - 1]! - b[k - 1]!);
  let total = 0;
  const slice: Float64Array[] = [];
  for (let i = 0; i < sorted.length; i++) {
    slice.push(sorted[i]!);
    const top = i + 1 < sorted.length ? sorted[i + 1]![k - 1]! : reference[k - 1]!;
    const depth = top - sorted[i]![k - 1]!;
    if (depth <= 0) continue;
    const projected = slice.map((p) => p.subarray(0, k - 1));
    const kept = nonDominated(projected).map((index) => projected[index]!);
    total += depth * volume(kept, reference, k - 1);
  }
  return total;
}
