/** The server's /metrics (Prometheus text) before and after a load level, reduced to what changed. */

export type Samples = Map<string, number>;

export function parsePrometheusText(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    if (cut <= 0) continue;
    const value = Number(line.slice(cut + 1));
    if (Number.isFinite(value)) samples.set(line.slice(0, cut), value);
  }
  return samples;
}

/** Series whose value changed (counters and histogram buckets: the increase over the level). */
export function sampleDelta(before: Samples, after: Samples): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [series, value] of after) {
    const change = value - (before.get(series) ?? 0);
    if (change !== 0) delta[series] = change;
  }
  return delta;
}

export async function scrapeMetrics(httpUrl: string): Promise<Samples | undefined> {
  try {
    const response = await fetch(`${httpUrl.replace(/\/$/, '')}/metrics`, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? parsePrometheusText(await response.text()) : undefined;
  } catch {
    return undefined; // external servers may have no /metrics
  }
}
