/** The load generator's public API. */
export { runLoad, findCapacity, type RunLoadOptions, type FindCapacityOptions } from './run-load.js';
export { levelRate, parseLevelFractions, isStressLevel } from './levels.js';
export { DEFAULT_STRESS_FRACTIONS } from '../core/load-vocabulary.js';
export type { CapacityResult, CapacityStep } from './capacity.js';
export type { LoadSummary, LatencySummary, WindowSummary, ServerTimingSummary } from './summary.js';
export type { Stability } from './stability.js';
export type { VerdictReason, VerdictReasonCode } from '../core/verdict-reason.js';
export type { SampleSource } from './run-context.js';
export { resolveLoadPlan, loadOptionsSchema, capacitySearchSchema, type LoadOptionsInput, type CapacitySearchOptions } from './load-options.js';
export {
  parsePattern,
  patternLabel,
  patternProblems,
  resolvePatternRates,
  usesStressLevels,
  STRESS_LEVELS,
  PATTERN_TYPES,
  ARRIVAL_PROCESSES,
  type LoadPattern,
  type PatternSpec,
  type PatternType,
  type StressLevel,
  type RateSpec,
} from './pattern.js';
export { generateSchedule, type Schedule } from './schedule.js';
export { parseTraceCsv, readTraceFile } from './trace-file.js';
export { minimumSamplesFor } from './percentile-support.js';
