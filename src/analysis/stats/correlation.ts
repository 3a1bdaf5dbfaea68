/**
 * Correlations between two environments' measurements of the same configurations (Jamshidi et al. M1, M3),
 * and the KL divergence of their performance distributions (M2). Kendall's tau-b uses Knight's O(n log n)
 * algorithm so that tens of thousands of configurations stay cheap.
 */

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return Number.NaN;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i]!;
    sy += y[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return Number.NaN;
  return sxy / Math.sqrt(sxx * syy);
}

/** Ranks starting at 1, ties get their average rank. */
export function ranks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const out = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]!] === values[order[i]!]) j++;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k]!] = averageRank;
    i = j + 1;
  }
  return out;
}

export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(ranks(x), ranks(y));
}

/** Kendall's tau-b (ties corrected), Knight's algorithm. */
export function kendall(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return Number.NaN;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]! || y[a]! - y[b]!);
  const ys = Float64Array.from(order, (i) => y[i]!);
  const xs = Float64Array.from(order, (i) => x[i]!);
  const pairs = (n * (n - 1)) / 2;
  let tiedX = 0;
  let tiedXY = 0;
  let runX = 1;
  let runXY = 1;
  for (let i = 1; i <= n; i++) {
    if (i < n && xs[i] === xs[i - 1]) {
      runX++;
      if (ys[i] === ys[i - 1]) runXY++;
      else {
        tiedXY += (runXY * (runXY - 1)) / 2;
        runXY = 1;
      }
    } else {
      tiedX += (runX * (runX - 1)) / 2;
      tiedXY += (runXY * (runXY - 1)) / 2;
      runX = 1;
      runXY = 1;
    }
  }
  const swaps = mergeSortCountingSwaps(ys);
  let tiedY = 0;
  let runY = 1;
  for (let i = 1; i <= n; i++) {
    if (i < n && ys[i] === ys[i - 1]) runY++;
    else {
      tiedY += (runY * (runY - 1)) / 2;
      runY = 1;
    }
  }
  const denominator = Math.sqrt((pairs - tiedX) * (pairs - tiedY));
  if (denominator === 0) return Number.NaN;
  return (pairs - tiedX - tiedY + tiedXY - 2 * swaps) / denominator;
}

/** Sorts in place and returns the number of strict inversions (pairs i<j with a[i] > a[j]). */
function mergeSortCountingSwaps(values: Float64Array): number {
  const n = values.length;
  const buffer = new Float64Array(n);
  let swaps = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let start = 0; start < n; start += 2 * width) {
      const middle = Math.min(start + width, n);
      const end = Math.min(start + 2 * width, n);
      let i = start;
      let j = middle;
      let k = start;
      while (i < middle && j < end) {
        if (values[j]! < values[i]!) {
          swaps += middle - i;
          buffer[k++] = values[j++]!;
        } else buffer[k++] = values[i++]!;
      }
      while (i < middle) buffer[k++] = values[i++]!;
      while (j < end) buffer[k++] = values[j++]!;
    }
    values.set(buffer);
  }
  return swaps;
}

const KDE_GRID_POINTS = 256;
const GRID_LOW = -0.25;
const GRID_STEP = 1.5 / (KDE_GRID_POINTS - 1);

/**
 * Gaussian KDE (Silverman's bandwidth) of values min–max scaled to [0, 1], on a fixed grid over [-0.25, 1.25].
 * Scaling each environment on its own compares the shapes of the distributions, not their location: a uniform
 * slowdown does not make two environments dissimilar (a shift is what a linear transfer already handles).
 * Binned KDE: values are linearly binned onto the grid and the bins convolved with the kernel, so the cost does
 * not grow with the number of values.
 */
export function scaledDensity(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
  }
  const range = max - min || 1;
  const scaled = Float64Array.from({ length: n }, (_, i) => (values[i]! - min) / range).sort();
  let m = 0;
  for (const v of scaled) m += v;
  m /= n;
  let ss = 0;
  for (const v of scaled) ss += (v - m) ** 2;
  const sd = Math.sqrt(ss / Math.max(1, n - 1));
  const iqr = (scaled[Math.floor(0.75 * (n - 1))]! - scaled[Math.floor(0.25 * (n - 1))]!) / 1.34;
  const spread = Math.min(sd, iqr > 0 ? iqr : sd) || 0.05;
  const bandwidth = Math.max(0.9 * spread * n ** -0.2, GRID_STEP);
  const bins = new Float64Array(KDE_GRID_POINTS);
  for (const v of scaled) {
    const position = (v - GRID_LOW) / GRID_STEP;
    const below = Math.floor(position);
    const weight = position - below;
    bins[below] = bins[below]! + (1 - weight);
    if (below + 1 < KDE_GRID_POINTS) bins[below + 1] = bins[below + 1]! + weight;
  }
  const reach = Math.ceil((6 * bandwidth) / GRID_STEP);
  const kernel = Float64Array.from({ length: reach + 1 }, (_, d) => Math.exp(-0.5 * ((d * GRID_STEP) / bandwidth) ** 2));
  const density = new Float64Array(KDE_GRID_POINTS);
  for (let b = 0; b < KDE_GRID_POINTS; b++) {
    const mass = bins[b]!;
    if (mass === 0) continue;
    const from = Math.max(0, b - reach);
    const to = Math.min(KDE_GRID_POINTS - 1, b + reach);
    for (let g = from; g <= to; g++) density[g] = density[g]! + mass * kernel[Math.abs(g - b)]!;
  }
  return normalizeWithFloor(density);
}

function normalizeWithFloor(density: Float64Array): Float64Array {
  let total = 0;
  for (const v of density) total += v;
  // A floor keeps the divergence finite where one density has no mass.
  for (let g = 0; g < density.length; g++) density[g] = density[g]! / (total || 1) + 1e-6;
  let renormalized = 0;
  for (const v of density) renormalized += v;
  for (let g = 0; g < density.length; g++) density[g] = density[g]! / renormalized;
  return density;
}

/** KL(P ‖ Q) in nats between two densities on the same grid. */
export function klDivergence(p: Float64Array, q: Float64Array): number {
  let sum = 0;
  for (let g = 0; g < p.length; g++) sum += p[g]! * Math.log(p[g]! / q[g]!);
  return Math.max(0, sum);
}
