/**
 * `servelab explore`: the one place that composes a study. The sampler proposes configurations from the
 * stored history (the whole plan, or small batches for an adaptive sampler); their trials are planned in the
 * store, then run server by server (a fresh server per configuration, model and repetition) with repetitions
 * interleaved across the batch in a seeded order (run-order.ts). Every trial ends completed or failed in the store, each in
 * its own transaction, so an interrupted study resumes where it stopped: unfinished configurations first,
 * then whatever the sampler asks next given the same history.
 */
import { readFile } from 'node:fs/promises';
import { configurationKey, type Configuration } from '../core/space.js';
import type { FailureKind } from '../core/trial.js';
import { assertOsKnobsApplicable, detectOsCapabilities, type OsCapabilities, type OsEnvironment } from '../knobs/detect.js';
import { removeStaleGroups } from '../knobs/stale-groups.js';
import { outcomesFromRows } from '../plan/outcomes.js';
import { createSampler } from '../plan/samplers/index.js';
import { loadStudy, type Study } from '../plan/study-schema.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { asAsyncStore, type AsyncResultsStore } from '../store/async-store.js';
import type { ResultsStore } from '../store/types.js';
import { ensureCapacities } from './capacity.js';
import { checkLaunchCommand } from './launch.js';
import { acquireStudyLease, type HeldStudyLease, type StudyLeaseOptions } from './study-lease.js';
import { studyEnvironment } from './environment.js';
import { describeCpuLayout } from './cpu-layout.js';
import { driverForLayout } from './default-driver.js';
import type { LoadDriver } from './load-driver.js';
import { checkModelWorkloadPairs } from './preflight.js';
import { createProgress, type ProgressReporter } from './progress.js';
import { sessionSettingsFor, type SessionSettings } from './server-session.js';
import { pendingTrials, runTrialUnit } from './trial-unit.js';
import { planStudyTime } from './study-time-plan.js';
import { batchSize, interleavedUnits } from './run-order.js';
import { definitionHash, trialLabel, trialsOf, trialsPerConfiguration, type TrialSpec } from './trial-plan.js';

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
  const store = openSqliteStore(options.dbPath);
  const progress = options.progress ?? createProgress({ quiet: options.quiet ?? false });
  try {
    store.openStudy({ studyId: study.name, definitionHash: definitionHash(study), definition: study, sourceText, seed: study.seed });
    // Before anything is written: a second runner of the same study is refused here.
    const lease = await acquireStudyLease(asAsyncStore(store), study.name, { ...options.lease, role: 'explore' });
    try {
      const runner = new StudyRunner(study, store, options, capabilities, progress, lease);
      return await runner.run(startedMs);
    } finally {
      await lease.release();
    }
  } finally {
    progress.stop();
    store.close();
  }
}

class StudyRunner {
  readonly #settings: SessionSettings;
  readonly #asyncStore: AsyncResultsStore;
  readonly #driver: LoadDriver;
  readonly #ownsDriver: boolean;
  #done = 0;
  #ranNow = 0;

  constructor(
    private readonly study: Study,
    private readonly store: ResultsStore,
    private readonly options: ExploreOptions,
    capabilities: OsCapabilities,
    private readonly progress: ProgressReporter,
    private readonly lease: HeldStudyLease,
  ) {
    this.#asyncStore = asAsyncStore(store);
    this.#settings = sessionSettingsFor(study, capabilities, options.readyTimeoutMs ?? 120_000);
    this.#ownsDriver = options.driver === undefined;
    this.#driver = options.driver ?? driverForLayout(this.#settings.layout);
  }

  async run(startedMs: number): Promise<ExploreSummary> {
    try {
      return await this.#run(startedMs);
    } finally {
      if (this.#ownsDriver) await this.#driver.close?.();
    }
  }

  async #run(startedMs: number): Promise<ExploreSummary> {
    const { study, store } = this;
    const retry = this.options.retryFailed;
    const retried = retry ? store.retryFailedTrials(study.name, retry.kinds) : 0;
    const sampler = createSampler(study.sampler, study.space, study.seed, study.objectives);
    const planned = sampler.plannedCount * trialsPerConfiguration(study);
    store.setExpectedTrials(study.name, planned);
    const before = store.progress(study.name);
    this.#done = before.completed + before.failed;
    this.progress.start(planned, this.#done);
    this.progress.note(`CPU layout: ${describeCpuLayout(this.#settings.layout)}`);
    if (retry) this.progress.note(`retrying ${retried} failed trial${retried === 1 ? '' : 's'}${retry.kinds ? ` (${retry.kinds.join(', ')})` : ''}; their earlier attempts stay recorded`);
    await this.#recordEnvironment();
    await ensureCapacities(study, this.#asyncStore, this.#driver, this.#settings, this.progress);

    for (;;) {
      const batch = this.#nextBatch(sampler).map((configuration) => ({ configuration, trials: trialsOf(study, configuration) }));
      if (batch.length === 0) break;
      for (const { trials } of batch) store.planTrials(trials);
      await this.#runBatch(batch);
    }
    const after = store.progress(study.name);
    return { studyId: study.name, planned: after.planned, completed: after.completed, failed: after.failed, ranNow: this.#ranNow, retried, durationMs: performance.now() - startedMs };
  }

  /**
   * Unfinished configurations first (resume), then the sampler's next proposals given the stored history: the
   * whole plan at once, or small batches for an adaptive sampler.
   */
  #nextBatch(sampler: ReturnType<typeof createSampler>): Configuration[] {
    const rows = this.store.trialRows(this.study.name);
    const unfinished = new Map<string, Configuration>();
    for (const row of rows) if (row.state === 'planned' || row.state === 'running') unfinished.set(configurationKey(row.configuration), row.configuration);
    if (unfinished.size > 0) return [...unfinished.values()];
    return sampler.ask(outcomesFromRows(rows, this.study.objectives), batchSize(sampler.kind, sampler.plannedCount));
  }

  async #recordEnvironment(): Promise<void> {
    this.store.recordEnvironment(this.study.name, await studyEnvironment(this.#settings));
  }

  /** Measures a batch with repetitions interleaved across its configurations (run-order.ts). */
  async #runBatch(batch: readonly { configuration: Configuration; trials: readonly TrialSpec[] }[]): Promise<void> {
    const pending = await Promise.all(batch.map(async ({ configuration, trials }) => ({ configuration, trials: await pendingTrials(this.#asyncStore, trials) })));
    const label = (configuration: Configuration, trial: TrialSpec): string => `${describe(configuration)} | ${trialLabel(trial)}`;
    for (const unit of interleavedUnits(pending, this.study.seed)) {
      this.lease.assertHeld();
      const { configuration } = unit;
      await runTrialUnit(
        {
          study: this.study,
          store: this.#asyncStore,
          driver: this.#driver,
          settings: this.#settings,
          onTrialStarted: (trial) => this.progress.trialStarted(this.#done, label(configuration, trial)),
          onTrialEnded: (trial, outcome) => {
            if (outcome.state === 'completed') {
              const { measurement } = outcome;
              const verdict = measurement.valid ? '' : ` | ${measurement.verdictReasons?.[0] ?? ''}`;
              this.#finished(`${measurement.valid ? 'VALID  ' : 'INVALID'} ${label(configuration, trial)} | ${headline(measurement.metrics, measurement.energy)}${verdict}`);
            } else {
              this.#finished(`FAILED  ${label(configuration, trial)} | ${outcome.failure.kind}: ${outcome.failure.message}`);
            }
          },
        },
        configuration,
        unit.trials,
      );
    }
  }

  #finished(line: string): void {
    this.#done++;
    this.#ranNow++;
    this.progress.trialEnded(this.#done, line);
  }
}

function describe(configuration: Configuration): string {
  const key = configurationKey(configuration);
  return key === '{}' ? 'defaults' : key.slice(1, -1).replace(/"/g, '');
}

function headline(metrics: Readonly<Record<string, number>>, energy: unknown): string {
  const estimated = (energy as { source?: string } | undefined)?.source === 'estimate';
  const parts: string[] = [];
  if (metrics.p99_ms !== undefined) parts.push(`p99 ${metrics.p99_ms.toFixed(2)} ms`);
  if (metrics.achieved_rps !== undefined) parts.push(`${metrics.achieved_rps.toFixed(1)} req/s`);
  if (metrics.energy_j_per_inf !== undefined) parts.push(`${(metrics.energy_j_per_inf * 1000).toFixed(2)} mJ/inf${estimated ? ' (estimate)' : ''}`);
  return parts.join(', ');
}
