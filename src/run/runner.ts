/**
 * `servelab explore` on one machine: the study driver (study-driver.ts) with an in-process queue and one local
 * worker (study-worker.ts), the same path as --distributed with BullMQ and `servelab worker` processes. The
 * sampler proposes configurations from the stored history (the whole plan, or small batches for an adaptive
 * sampler); their trials are planned in the store, then run server by server (a fresh server per
 * configuration, model and repetition) with repetitions interleaved across the batch in a seeded order
 * (run-order.ts). Every trial ends completed or failed in the store, each in its own transaction, so an
 * interrupted study resumes where it stopped: unfinished configurations first, then whatever the sampler asks
 * next given the same history.
 */
import { readFile } from 'node:fs/promises';
import type { FailureKind } from '../core/trial.js';
import { assertOsKnobsApplicable, detectOsCapabilities, type OsEnvironment } from '../knobs/detect.js';
import { removeStaleGroups } from '../knobs/stale-groups.js';
import { loadStudy } from '../plan/study-schema.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { asAsyncStore } from '../store/async-store.js';
import { checkLaunchCommand } from './launch.js';
import type { StudyLeaseOptions } from './study-lease.js';
import { describeCpuLayout } from './cpu-layout.js';
import type { LoadDriver } from './load-driver.js';
import { checkModelWorkloadPairs } from './preflight.js';
import { createProgress, type ProgressReporter } from './progress.js';
import { TrialLines } from './trial-lines.js';
import { InProcessQueue } from './in-process-queue.js';
import { driveStudy } from './study-driver.js';
import { StudyWorker } from './study-worker.js';
import { planStudyTime } from './study-time-plan.js';

export interface ExploreOptions {
  readonly studyPath: string;
  readonly dbPath: string;
  /** Default: servelab's load generator, in a process pinned to the generator's CPUs when the layout isolates it. */
  readonly driver?: LoadDriver;
  readonly quiet?: boolean;
  readonly progress?: ProgressReporter;
  /** How long a server may take to print its ready line (embedded target). */
  readonly readyTimeoutMs?: number;
  readonly osEnvironment?: OsEnvironment;
  /** Failed trials to plan again before the study resumes: every kind, or those listed. Absent: failed trials stay failed. */
  readonly retryFailed?: { readonly kinds?: readonly FailureKind[] };
  /** The study lease's timing and identity (tests); the role is always explore. */
  readonly lease?: Omit<StudyLeaseOptions, 'role'>;
}

export interface ExploreSummary {
  readonly studyId: string;
  readonly planned: number;
  readonly completed: number;
  readonly failed: number;
  readonly ranNow: number;
  /** Failed trials planned again by retryFailed. */
  readonly retried: number;
  readonly durationMs: number;
}

export async function explore(options: ExploreOptions): Promise<ExploreSummary> {
  const startedMs = performance.now();
  const study = await loadStudy(options.studyPath);
  const sourceText = await readFile(options.studyPath, 'utf8');
  const capabilities = detectOsCapabilities(options.osEnvironment);
  assertOsKnobsApplicable(Object.keys(study.knobs), capabilities);
  removeStaleGroups(capabilities);
  await checkModelWorkloadPairs(study);
  checkLaunchCommand(study);
  planStudyTime(study); // refuses a study whose explicit rates are too short for its percentiles (load.minimumDuration: refuse)
  const store = asAsyncStore(openSqliteStore(options.dbPath));
  const progress = options.progress ?? createProgress({ quiet: options.quiet ?? false });
  const lines = new TrialLines(progress);
  const worker = new StudyWorker({
    store,
    capabilities,
    ...(options.driver ? { driver: options.driver } : {}),
    ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
    events: lines.events,
  });
  try {
    const retry = options.retryFailed;
    const { progress: after, retried } = await driveStudy({
      study,
      sourceText,
      store,
      role: 'explore',
      ...(options.lease ? { lease: options.lease } : {}),
      ...(retry ? { retryFailed: retry } : {}),
      refill: { kind: 'batches' },
      // Checked before each job, so a runner that lost its lease stops before measuring alongside the new holder.
      openQueue: (lease) =>
        new InProcessQueue(async (job) => {
          lease.assertHeld();
          return worker.run(job);
        }),
      events: {
        started: async ({ planned, done, retried: retrying }) => {
          lines.start(planned, done);
          // Records this machine's environment with the study, as every run of explore does.
          const { settings } = await worker.prepare(study.name);
          progress.note(`CPU layout: ${describeCpuLayout(settings.layout)}`);
          if (retry) progress.note(`retrying ${retrying} failed trial${retrying === 1 ? '' : 's'}${retry.kinds ? ` (${retry.kinds.join(', ')})` : ''}; their earlier attempts stay recorded`);
        },
      },
    });
    return { studyId: study.name, planned: after.planned, completed: after.completed, failed: after.failed, ranNow: lines.ranNow, retried, durationMs: performance.now() - startedMs };
  } finally {
    await worker.close();
    progress.stop();
    await store.close();
  }
}
