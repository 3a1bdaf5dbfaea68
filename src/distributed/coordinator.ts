/**
 * `servelab explore --distributed`: the study driver (run/study-driver.ts) with BullMQ as its queue. Workers
 * (`servelab worker`) take the jobs and write results to the shared store; the driver asks the sampler for
 * more configurations while fewer than `parallelism` are in flight, so adaptive samplers keep working in
 * batches and no worker idles.
 */
import { readFile } from 'node:fs/promises';
import { loadStudy } from '../plan/study-schema.js';
import { checkLaunchCommand } from '../run/launch.js';
import { driveStudy } from '../run/study-driver.js';
import type { StudyLeaseOptions } from '../run/study-lease.js';
import type { AsyncResultsStore } from '../store/async-store.js';
import type { StudyProgress } from '../store/types.js';
import { BullmqStudyQueue } from './bullmq-queue.js';

export interface CoordinatorOptions {
  readonly studyPath: string;
  readonly queueUrl: string;
  readonly store: AsyncResultsStore;
  /** Configurations in flight at once; set it to at least the number of workers. */
  readonly parallelism?: number;
  readonly pollMs?: number;
  /** Give up when no trial finishes for this long (no worker running?). */
  readonly stallTimeoutMs?: number;
  readonly log?: (line: string) => void;
  /** The study lease's timing and identity (tests); the role is always coordinator. */
  readonly lease?: Omit<StudyLeaseOptions, 'role'>;
}

export interface CoordinatorSummary extends StudyProgress {
  readonly durationMs: number;
}

export async function coordinateStudy(options: CoordinatorOptions): Promise<CoordinatorSummary> {
  const startedMs = performance.now();
  const log = options.log ?? ((line: string) => console.error(line));
  const study = await loadStudy(options.studyPath);
  const sourceText = await readFile(options.studyPath, 'utf8');
  checkLaunchCommand(study);
  const { progress } = await driveStudy({
    study,
    sourceText,
    store: options.store,
    role: 'coordinator',
    ...(options.lease ? { lease: options.lease } : {}),
    openQueue: () => new BullmqStudyQueue(options.queueUrl),
    refill: { kind: 'in-flight', parallelism: options.parallelism ?? 4 },
    pollMs: options.pollMs ?? 500,
    stallTimeoutMs: options.stallTimeoutMs ?? 30 * 60_000,
    events: {
      capacitiesMissing: (count) => log(`study ${study.name}: measuring ${count} capacities on the workers first`),
      progressed: (now, inFlight) =>
        log(`study ${study.name}: ${now.completed + now.failed}/${now.planned} trials done (${now.completed} completed, ${now.failed} failed), ${inFlight} configurations in flight`),
    },
  });
  return { ...progress, durationMs: performance.now() - startedMs };
}
