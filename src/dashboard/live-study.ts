/**
 * The dashboard's view of one study, kept current: it checks the store for changes every poll, reads what
 * changed into the live table, and then does its job under its CPU-share policy (refresh-policy.ts): the table
 * one sends the changed rows and the progress, the fronts and effects ones recompute their part of the analysis.
 * Each runs in a worker thread of its own (snapshot-worker.ts), so a long analysis never holds up the table and
 * the HTTP thread never waits on any; timing comes from an injectable clock.
 */
import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import { liveAnalysisPart } from './live-analysis.js';
import { LiveTable } from './live-table.js';
import { EFFECTS_POLICY, FRONTS_POLICY, nextRunAtMs, ROWS_POLICY } from './refresh-policy.js';
import type { FromSnapshotWorker, SnapshotRole } from './snapshot-messages.js';
import type { StoreReader } from './store-reader.js';
import { studyProgress } from './study-progress.js';
import type { StudyInfo } from './types.js';

export interface LiveStudyOptions {
  readonly role: SnapshotRole;
  readonly reader: StoreReader;
  readonly studyId: string;
  readonly seed: number;
  readonly info: StudyInfo;
  readonly clock: Clock;
  readonly pollIntervalMs: number;
  readonly post: (message: FromSnapshotWorker) => void;
  /** Wall-clock time for progress (elapsed, rate); the clock above is monotonic. */
  readonly wallNowMs?: () => number;
}

/** After a failed read, wait this many polls before trying again. */
const ERROR_BACKOFF_POLLS = 5;

export class LiveStudy {
  readonly #table = new LiveTable();
  #token: string | undefined;
  #nextRowsAtMs = 0;
  #nextAnalysisAtMs = 0;
  #analysisDue = false;
  #analysisVersion = 0;
  #storeError: string | undefined;
  #stopped = false;

  constructor(private readonly options: LiveStudyOptions) {}

  stop(): void {
    this.#stopped = true;
  }

  async run(): Promise<void> {
    const { clock } = this.options;
    while (!this.#stopped) {
      await this.step();
      const wakeAtMs = Math.min(this.#nextRowsAtMs, this.#analysisDue ? this.#nextAnalysisAtMs : Number.POSITIVE_INFINITY);
      await clock.sleepMs(Math.max(1, wakeAtMs - clock.nowMs()));
    }
  }

  /** One pass: check for changes when due, then analyse when due. */
  async step(): Promise<void> {
    const { clock, pollIntervalMs } = this.options;
    if (clock.nowMs() >= this.#nextRowsAtMs) {
      try {
        await this.#checkRows();
        if (this.#storeError !== undefined) {
          this.#storeError = undefined;
          this.#postTable({ type: 'store-error', message: null });
        }
      } catch (error) {
        this.#storeError = errorMessage(error);
        this.#postTable({ type: 'store-error', message: this.#storeError });
        this.#nextRowsAtMs = clock.nowMs() + pollIntervalMs * ERROR_BACKOFF_POLLS;
      }
    }
    if (this.#analysisDue && clock.nowMs() >= this.#nextAnalysisAtMs) this.#analyze();
  }

  async #checkRows(): Promise<void> {
    const { reader, studyId, clock, pollIntervalMs } = this.options;
    const startedMs = clock.nowMs();
    const token = await reader.changeToken(studyId);
    if (token === this.#token) {
      this.#nextRowsAtMs = startedMs + pollIntervalMs;
      return;
    }
    const update = await this.#table.refresh(reader, studyId);
    this.#token = token;
    if (this.options.role !== 'table' && (update || this.#analysisVersion === 0)) this.#analysisDue = true;
    if (this.options.role !== 'table') {
      this.#nextRowsAtMs = Math.max(startedMs + pollIntervalMs, nextRunAtMs(startedMs, clock.nowMs() - startedMs, ROWS_POLICY));
      return;
    }
    const environments = await reader.environments(studyId);
    const study = (await reader.studies()).find((record) => record.studyId === studyId);
    const rows = this.#table.rows();
    const machines = environments.flatMap((environment) => {
      const worker = environment.details.worker;
      return worker?.host ? [{ name: worker.host, ...(worker.cpuModel ? { cpuModel: worker.cpuModel } : {}), ...(worker.cores ? { cores: worker.cores } : {}) }] : [];
    });
    const progress = studyProgress({
      rows,
      ...(study?.expectedTrials === undefined ? {} : { expectedTrials: study.expectedTrials }),
      knobOrder: this.options.info.knobs,
      machines,
      nowMs: this.options.wallNowMs?.() ?? Date.now(),
    });
    const readMs = clock.nowMs() - startedMs;
    this.#nextRowsAtMs = Math.max(startedMs + pollIntervalMs, nextRunAtMs(startedMs, readMs, ROWS_POLICY));
    const version = this.#table.version;
    this.options.post({
      type: 'trials',
      from: update?.delta.from ?? version,
      to: version,
      changedIds: update?.delta.changed.map((row) => row.id) ?? [],
      changedJson: update?.changedJson ?? [],
      removed: update?.delta.removed ?? [],
      order: update?.order ?? null,
      progressJson: JSON.stringify(progress),
      readMs,
    });
  }

  /** Table, progress and store errors come from the table worker alone, so the page gets each once. */
  #postTable(message: FromSnapshotWorker): void {
    if (this.options.role === 'table') this.options.post(message);
  }

  #analyze(): void {
    const { clock, info, seed, role: part } = this.options;
    if (part === 'table') return;
    const startedMs = clock.nowMs();
    const rows = this.#table.rows();
    const nowMs = this.options.wallNowMs?.() ?? Date.now();
    let result;
    try {
      result = liveAnalysisPart(part, rows, info, seed, nowMs);
    } catch (error) {
      // A bug in one recomputation must not end the live view: the page says what failed, the next change retries.
      result = { figures: [], notes: [`The ${part} analysis failed: ${errorMessage(error)}`], hypervolume: [], trials: rows.length, finished: 0, computedAt: new Date(nowMs).toISOString(), durationMs: 0 };
    }
    this.#analysisVersion += 1;
    this.#analysisDue = false;
    const durationMs = clock.nowMs() - startedMs;
    this.#nextAnalysisAtMs = nextRunAtMs(startedMs, durationMs, part === 'fronts' ? FRONTS_POLICY : EFFECTS_POLICY);
    this.options.post({ type: 'analysis', part, json: JSON.stringify(result), durationMs });
  }
}
