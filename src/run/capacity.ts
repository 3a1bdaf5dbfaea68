/**
 * Stress levels (light, medium, high, overload) are fractions of a measured saturation throughput. It is
 * measured once per (model, workload) on a server with default settings, before the sweep, and kept in the
 * store so every configuration is offered the same rates and a resumed study does not measure it again.
 */
import type { Study } from '../plan/study-schema.js';
import type { AsyncResultsStore } from '../store/async-store.js';
import type { LoadDriver } from './load-driver.js';
import type { ProgressReporter } from './progress.js';
import type { SessionSettings } from './server-session.js';
import { measureCapacity } from './trial-unit.js';

export function usesStressLevels(study: Study): boolean {
  return study.load.points.some((point) => point.level !== undefined);
}

export async function ensureCapacities(study: Study, store: AsyncResultsStore, driver: LoadDriver, settings: SessionSettings, progress: ProgressReporter): Promise<void> {
  if (!usesStressLevels(study)) return;
  for (const model of study.models) {
    for (const workload of study.workloads) {
      if (await store.capacity(study.name, model, workload)) continue;
      progress.note(`servelab: measuring the capacity of ${model} with ${workload} (default server settings) for the stress levels`);
      const record = await measureCapacity({ study, store, driver, settings }, model, workload);
      progress.note(`servelab: capacity of ${model} with ${workload}: ${record.capacityRps.toFixed(1)} req/s (${record.method})`);
    }
  }
}
