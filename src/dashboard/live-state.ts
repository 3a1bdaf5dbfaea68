/**
 * The HTTP thread's copy of the live view: the latest table, progress and analysis parts as the three snapshot
 * workers posted them (already serialised), pushed to every open page as events. Nothing here is computed per
 * request but the joining of the table's rows, once per version.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../core/worker.js';
import type { EventHub } from './event-stream.js';
import type { AnalysisPartName } from './live-analysis.js';
import type { FromSnapshotWorker, SnapshotWorkerData } from './snapshot-messages.js';

const WORKER_URL = new URL(`./snapshot-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

export interface LiveTimings {
  /** How long each read of the store's changes took in the worker, ms. */
  readonly readMs: number[];
  /** How long each recomputation of a part of the analysis (with its figures) took, ms. */
  readonly frontsMs: number[];
  readonly effectsMs: number[];
}

export class LiveState {
  trialsVersion = 0;
  progressJson: string | undefined;
  analysisVersion = 0;
  storeError: string | null = null;
  readonly timings: LiveTimings = { readMs: [], frontsMs: [], effectsMs: [] };
  readonly #parts: Record<AnalysisPartName, string | null> = { fronts: null, effects: null };
  /** Each trial's row as JSON, and the plan order: the whole table is joined only when a page asks for it. */
  readonly #rows = new Map<string, string>();
  #order: readonly string[] = [];
  #trialsJson: string | undefined;
  readonly #workers: Worker[];
  readonly #firstTrials: Promise<void>;

  constructor(
    data: Omit<SnapshotWorkerData, 'role'>,
    private readonly hub: EventHub,
    onWorkerError: (error: Error) => void,
  ) {
    let resolveFirst: () => void = () => undefined;
    this.#firstTrials = new Promise((resolve) => (resolveFirst = resolve));
    this.#workers = (['table', 'fronts', 'effects'] as const).map((role) => {
      const worker = startWorker(WORKER_URL, { workerData: { ...data, role } satisfies SnapshotWorkerData });
      worker.on('message', (message: FromSnapshotWorker) => {
        this.#receive(message);
        if (message.type === 'trials') resolveFirst();
      });
      worker.on('error', onWorkerError);
      return worker;
    });
  }

  /** The analysis parts, `{"version":N,"fronts":...,"effects":...}`, or undefined before the first. */
  get analysisJson(): string | undefined {
    if (this.analysisVersion === 0) return undefined;
    return `{"version":${this.analysisVersion},"fronts":${this.#parts.fronts ?? 'null'},"effects":${this.#parts.effects ?? 'null'}}`;
  }

  /** Resolves when the first table has arrived (or after timeoutMs). */
  async firstSnapshot(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([this.#firstTrials.then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** `{"version":N,"rows":[...]}`: the whole table, joined once per version. */
  get trialsJson(): string {
    this.#trialsJson ??= `{"version":${this.trialsVersion},"rows":[${this.#order.map((id) => this.#rows.get(id)).join(',')}]}`;
    return this.#trialsJson;
  }

  /** What a page that just connected needs to know to catch up. */
  statusJson(): string {
    return JSON.stringify({ trialsVersion: this.trialsVersion, analysisVersion: this.analysisVersion, storeError: this.storeError });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  #receive(message: FromSnapshotWorker): void {
    switch (message.type) {
      case 'trials':
        this.progressJson = message.progressJson;
        remember(this.timings.readMs, message.readMs);
        this.hub.send('progress', message.progressJson);
        if (message.to !== message.from) this.#applyTrials(message);
        return;
      case 'analysis':
        this.analysisVersion += 1;
        this.#parts[message.part] = message.json;
        remember(message.part === 'fronts' ? this.timings.frontsMs : this.timings.effectsMs, message.durationMs);
        this.hub.send('analysis', JSON.stringify({ version: this.analysisVersion, part: message.part }));
        return;
      case 'store-error':
        this.storeError = message.message;
        this.hub.send('status', this.statusJson());
        return;
    }
  }

  #applyTrials(message: Extract<FromSnapshotWorker, { type: 'trials' }>): void {
    message.changedIds.forEach((id, index) => this.#rows.set(id, message.changedJson[index]!));
    for (const id of message.removed) this.#rows.delete(id);
    if (message.order) this.#order = message.order;
    this.trialsVersion = message.to;
    this.#trialsJson = undefined;
    // The first table (every trial) is megabytes: joined only if a page is there to take it.
    if (this.hub.clients > 0) this.hub.send('trials', `{"from":${message.from},"to":${message.to},"changed":[${message.changedJson.join(',')}],"removed":${JSON.stringify(message.removed)}}`);
  }
}

const KEPT_TIMINGS = 1_000;

function remember(list: number[], value: number): void {
  list.push(value);
  if (list.length > KEPT_TIMINGS) list.shift();
}
