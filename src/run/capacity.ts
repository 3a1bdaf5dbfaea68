/**
 * Stress levels (light, medium, high, overload) are fractions of a measured saturation throughput. It is
 * measured once per (model, workload) on a server with default settings, before the sweep, and kept in the
 * store so every configuration is offered the same rates and a resumed study does not measure it again.
 */
import { ServelabError } from '../core/errors.js';
import { levelRate } from '../load/levels.js';
import type { Study } from '../plan/study-schema.js';
import type { ResultsStore } from '../store/types.js';
import type { LoadDriver } from './load-driver.js';
import { servedModelName } from './measure-trial.js';
import type { ProgressReporter } from './progress.js';
import { oneLine, startSession, type SessionSettings } from './server-session.js';
import { protocolOf, type TrialSpec } from './trial-plan.js';

export function usesStressLevels(study: Study): boolean {
  return study.load.points.some((point) => point.level !== undefined);
}

export async function ensureCapacities(study: Study, store: ResultsStore, driver: LoadDriver, settings: SessionSettings, progress: ProgressReporter): Promise<void> {
  if (!usesStressLevels(study)) return;
  for (const model of study.models) {
    for (const workload of study.workloads) {
      if (store.capacity(study.name, model, workload)) continue;
      progress.note(`servelab: measuring the capacity of ${model} with ${workload} (default server settings) for the stress levels`);
      let session;
      try {
        session = await startSession(settings, {}, model);
        const capacity = study.load.capacity;
        const result = await driver.capacity({
          target: { http: session.ready.http, grpc: session.ready.grpc },
          protocol: protocolOf({}, study),
          model: servedModelName(session, model),
          workload,
          seed: study.seed,
          stepDurationMs: capacity.stepDurationMs,
          ...(capacity.maxP99Ms === undefined ? {} : { maxP99Ms: capacity.maxP99Ms }),
          ...(capacity.maxErrorRate === undefined ? {} : { maxErrorRate: capacity.maxErrorRate }),
          ...(capacity.startRps === undefined ? {} : { startRps: capacity.startRps }),
        });
        store.saveCapacity(study.name, { model, workload, capacityRps: result.capacityRps, method: result.method, details: result.details });
        progress.note(`servelab: capacity of ${model} with ${workload}: ${result.capacityRps.toFixed(1)} req/s (${result.method})`);
      } catch (error) {
        throw new ServelabError(`cannot measure the capacity of ${model} with ${workload} for the stress levels: ${oneLine(error)}`, 'unavailable');
      } finally {
        await session?.stop();
      }
    }
  }
}

/** The offered rate of a trial's load point: explicit, or its stress level's fraction of the stored capacity. */
export function rateFor(study: Study, store: ResultsStore, trial: TrialSpec): { rateRps?: number } {
  const point = trial.point;
  if (point.rateRps !== undefined) return { rateRps: point.rateRps };
  if (point.level === undefined) return {};
  const capacity = store.capacity(study.name, trial.context.model, trial.context.workload);
  if (!capacity) throw new ServelabError(`no measured capacity for ${trial.context.model} with ${trial.context.workload}`, 'internal');
  return { rateRps: levelRate(point.level, capacity.capacityRps, study.load.capacity.fractions) };
}
