/**
 * Send precision of servelab's open loop (wrk2's level: schedule lag p99 ≤ 1 ms at 1,000 req/s and ≤ 2 ms at
 * 5,000 req/s on the generator's own core), against the fast endpoint, with real distinct samples encoded
 * before the run (the default pool), as a study sends them.
 */
import type { LoadSummary } from '../src/load/index.js';
import { servelab } from './load-processes.js';

export const PRECISION_GOALS = [
  { rateRps: 1000, lagP99GoalMs: 1 },
  { rateRps: 5000, lagP99GoalMs: 2 },
] as const;

export interface PrecisionRow {
  readonly rateRps: number;
  readonly lagP99GoalMs: number;
  readonly summary: LoadSummary;
}

export async function measureSendPrecision(base: Record<string, unknown>, seconds: number): Promise<PrecisionRow[]> {
  const rows: PrecisionRow[] = [];
  for (const goal of PRECISION_GOALS) {
    const summary = await servelab({ ...base, pattern: 'constant', rateRps: goal.rateRps, durationMs: seconds * 1000 });
    rows.push({ ...goal, summary });
  }
  return rows;
}

export function precisionLines(rows: readonly PrecisionRow[]): string[] {
  return rows.map(({ rateRps, lagP99GoalMs, summary }) => {
    const lag = summary.generator.scheduleLagMs;
    const verdict = lag === null ? 'no lag measured' : lag.p99 <= lagP99GoalMs ? 'meets' : 'MISSES';
    return (
      `   ${String(rateRps).padStart(5)} req/s: schedule lag p50 ${lag?.p50 ?? '-'} ms, p99 ${lag?.p99 ?? '-'} ms, max ${lag?.max ?? '-'} ms ` +
      `(goal p99 <= ${lagP99GoalMs} ms: ${verdict}); achieved ${summary.achievedRps.toFixed(1)} req/s, latency p99 ${summary.latencyMs?.p99 ?? '-'} ms, ` +
      `generator CPU ${(summary.generator.cpuFraction * 100).toFixed(0)}% of a core`
    );
  });
}
