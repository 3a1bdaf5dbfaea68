/**
 * Caps the points a figure embeds: a study of thousands of configurations would otherwise put megabytes of data
 * into every figure of the notebook. Points that must show (front members) are always kept; the rest are
 * thinned evenly, in a stable order, and the caption says how many are shown.
 */
export const MAX_FIGURE_POINTS = 4000;

export interface Thinned<T> {
  readonly points: T[];
  readonly total: number;
}

export function thinPoints<T>(points: readonly T[], mustKeep: (point: T) => boolean = () => false, max = MAX_FIGURE_POINTS): Thinned<T> {
  if (points.length <= max) return { points: [...points], total: points.length };
  const kept = points.filter(mustKeep);
  const others = points.filter((point) => !mustKeep(point));
  const room = Math.max(0, max - kept.length);
  const step = others.length / Math.max(1, room);
  const sampled = room === 0 ? [] : Array.from({ length: Math.min(room, others.length) }, (_, index) => others[Math.floor(index * step)]!);
  return { points: [...kept, ...sampled], total: points.length };
}

export function thinnedNote(thinned: Thinned<unknown>): string {
  return thinned.points.length < thinned.total ? ` Showing ${thinned.points.length.toLocaleString('en-US')} of ${thinned.total.toLocaleString('en-US')} points, evenly thinned (every front member kept).` : '';
}
