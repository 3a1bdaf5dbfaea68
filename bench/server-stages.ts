/** Per-stage server time from servelab_request_stage_seconds, as mean microseconds per request between two scrapes. */
import { REQUEST_STAGES, type RequestStage } from '../src/server/request-stages.js';

type Sums = Map<string, { sum: number; count: number }>;

export async function scrapeStageSums(httpUrl: string): Promise<Sums> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const sums: Sums = new Map();
  for (const line of text.split('\n')) {
    const match = /^servelab_request_stage_seconds_(sum|count)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...match[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]]));
    const key = `${labels.protocol}|${labels.stage}`;
    const entry = sums.get(key) ?? { sum: 0, count: 0 };
    if (match[1] === 'sum') entry.sum = Number(match[3]);
    else entry.count = Number(match[3]);
    sums.set(key, entry);
  }
  return sums;
}

/** Mean µs per request of each stage of `protocol` between the two scrapes (NaN where none was recorded). */
export function stageMeansUs(before: Sums, after: Sums, protocol: string): Record<RequestStage, number> {
  const means = {} as Record<RequestStage, number>;
  for (const stage of REQUEST_STAGES) {
    const key = `${protocol}|${stage}`;
    const end = after.get(key) ?? { sum: 0, count: 0 };
    const start = before.get(key) ?? { sum: 0, count: 0 };
    const count = end.count - start.count;
    means[stage] = count > 0 ? ((end.sum - start.sum) / count) * 1e6 : Number.NaN;
  }
  return means;
}
