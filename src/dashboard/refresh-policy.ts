/**
 * How often the dashboard may redo work: the store may be written on the same machine by a study that is
 * measuring, so the dashboard's share of a CPU stays bounded whatever a refresh costs. After a refresh that
 * took d ms, the next may start no sooner than d / maxCpuShare after the last one began (and never sooner
 * than minIntervalMs): a four-second analysis of 10,000 trials then runs at most every forty seconds.
 */
export interface RefreshPolicy {
  /** The largest share of one CPU this work may take over time (0 < share <= 1). */
  readonly maxCpuShare: number;
  readonly minIntervalMs: number;
}

/** Reading what changed in the store: usually cheap, so as often as every poll (the poll interval is the floor). */
export const ROWS_POLICY: RefreshPolicy = { maxCpuShare: 0.25, minIntervalMs: 0 };
/** The Pareto fronts and their convergence. */
export const FRONTS_POLICY: RefreshPolicy = { maxCpuShare: 0.2, minIntervalMs: 2_000 };
/** The whole analysis behind the effects and transfer figures: seconds at 10,000 trials, so rarer still. */
export const EFFECTS_POLICY: RefreshPolicy = { maxCpuShare: 0.1, minIntervalMs: 5_000 };

export function nextRunAtMs(startedAtMs: number, durationMs: number, policy: RefreshPolicy): number {
  return startedAtMs + Math.max(policy.minIntervalMs, durationMs / policy.maxCpuShare);
}
