/**
 * Stress levels (light, medium, high, overload) are fractions of a measured saturation throughput. It is
 * measured once per (model, workload) on a server with default settings, before the sweep (a co-served model
 * alone: each member of a group is offered its level of its own solo capacity), and kept in the
 * store so every configuration is offered the same rates and a resumed study does not measure it again. The
 * study driver queues the searches like any other job (a worker runs trial-unit.ts's measureCapacity).
 */
import { ServelabError } from '../core/errors.js';
import { mixCapacityPairs, modelWorkloadPairs } from '../plan/colocation.js';
import type { Study } from '../plan/study-schema.js';
import type { AsyncResultsStore } from '../store/async-store.js';
import type { StudyQueue } from './study-queue.js';
import type { CapacityJob } from './study-jobs.js';

export function usesStressLevels(study: Study): boolean {
  return study.load.points.some((point) => point.level !== undefined);
}

/**
 * Queues the capacity searches the store lacks and waits for all of them: each model alone first, then each
 * co-served group of several models (mix-capacity.ts), which starts from its models' solo capacities.
 */
export async function ensureCapacities(study: Study, store: Pick<AsyncResultsStore, 'capacity'>, queue: StudyQueue, pollMs: number, onMissing?: (count: number) => void): Promise<void> {
  if (!usesStressLevels(study)) return;
  await ensureRecords(study, store, queue, pollMs, modelWorkloadPairs(study), onMissing);
  await ensureRecords(study, store, queue, pollMs, mixCapacityPairs(study), onMissing);
}

async function ensureRecords(
  study: Study,
  store: Pick<AsyncResultsStore, 'capacity'>,
  queue: StudyQueue,
  pollMs: number,
  pairs: readonly { model: string; workload: string }[],
  onMissing?: (count: number) => void,
): Promise<void> {
  const missing = async (): Promise<CapacityJob[]> => {
    const jobs: CapacityJob[] = [];
    for (const { model, workload } of pairs) {
      if (!(await store.capacity(study.name, model, workload))) jobs.push({ kind: 'capacity', studyId: study.name, model, workload });
    }
    return jobs;
  };
  let waiting = await missing();
  if (waiting.length > 0) onMissing?.(waiting.length);
  for (const job of waiting) await queue.add(job);
  while (waiting.length > 0) {
    await queue.nextChange(pollMs);
    waiting = await missing();
    for (const job of waiting) {
      const exhausted = await queue.exhausted(job);
      if (exhausted) {
        throw new ServelabError(`cannot measure the capacity of ${job.model} with ${job.workload} for the stress levels: the workers failed ${exhausted.attempts} times: ${exhausted.reason}`, 'unavailable');
      }
    }
  }
}
