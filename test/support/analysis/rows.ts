/** Builds trial rows from explicit measurements, for tests with exact ground truth. */
import type { Configuration } from '../../../src/core/space.js';
import type { TrialContext, TrialRow } from '../../../src/core/trial.js';

export interface Measured {
  readonly configuration: Configuration;
  readonly context?: Partial<TrialContext>;
  /** One metrics record per repetition. */
  readonly repetitions: readonly Record<string, number>[];
}

export function rowsFrom(measurements: readonly Measured[]): TrialRow[] {
  return measurements.flatMap((m, index) =>
    m.repetitions.map((metrics, repetition) => ({
      trialId: `t${index}`,
      configuration: m.configuration,
      context: { model: 'm', workload: 'w', load: 'l', ...m.context },
      repetition,
      state: 'completed' as const,
      valid: true,
      metrics,
    })),
  );
}
