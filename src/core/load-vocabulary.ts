/**
 * The words every part uses for load: stress levels, their default fractions of a target's measured capacity
 * (saturation throughput) and the bounds on them, and the capacity search's default step. Study files, the
 * `load` command and the report all read these.
 */

export const STRESS_LEVELS = ['light', 'medium', 'high', 'overload'] as const;
export type StressLevel = (typeof STRESS_LEVELS)[number];

/** Default fractions of capacity per stress level. */
export const DEFAULT_STRESS_FRACTIONS: Readonly<Record<StressLevel, number>> = { light: 0.25, medium: 0.6, high: 0.9, overload: 1.2 };

/** A level's fraction of capacity lies in (0, MAX_STRESS_FRACTION]: past twice capacity a run measures only its queue. */
export const MAX_STRESS_FRACTION = 2;

/** How long each rate of a capacity search is offered. */
export const DEFAULT_CAPACITY_STEP_MS = 5_000;

export function isStressLevel(value: unknown): value is StressLevel {
  return typeof value === 'string' && (STRESS_LEVELS as readonly string[]).includes(value);
}
