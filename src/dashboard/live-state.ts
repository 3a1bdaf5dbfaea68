/**
 * The HTTP thread's copy of the live view: the latest table, progress and analysis as the snapshot worker
 * posted them (already serialised), pushed to every open page as events. Nothing here is computed per request.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../core/worker.js';
import type { EventHub } from './event-stream.js';
import type { FromSnapshotWorker, SnapshotWorkerData } from './snapshot-messages.js';

const WORKER_URL = new URL(`./snapshot-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

export interface LiveTimings {
  /** How long each read of the store's changes took in the worker, ms. */
  readonly readMs: number[];
  /** How long each analysis (with its figures) took, ms. */
  readonly analysisMs: number[];
}

export class LiveState {
  trialsVersion = 0;
  trialsJson = '{"version":0,"rows":[]}';
  progressJson: string | undefined;
  analysisVersion = 0;
  analysisJson: string | undefined;
  storeError: string | null = null;
  readonly timings: LiveTimings = { readMs: [], analysisMs: [] };
  readonly #worker: Worker;
  readonly #firstTrials: Promise<void>;

  constructor(
    data: SnapshotWorkerData,
    private readonly hub: EventHub,
    onWorkerError: (error: Error) => void,
  ) {
    this.#worker = startWorker(WORKER_URL, { workerData: data });
    let resolveFirst: () => void = () => undefined;
    this.#firstTrials = new Promise((resolve) => (resolveFirst = resolve));
    this.#worker.on('message', (message: FromSnapshotWorker) => {
      this.#receive(message);
      if (message.type === 'trials') resolveFirst();
    });
    this.#worker.on('error', onWorkerError);
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

  /** What a page that just connected needs to know to catch up. */
  statusJson(): string {
    return JSON.stringify({ trialsVersion: this.trialsVersion, analysisVersion: this.analysisVersion, storeError: this.storeError });
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }

  #receive(message: FromSnapshotWorker): void {
    switch (message.type) {
      case 'trials':
        this.trialsVersion = message.version;
        this.trialsJson = message.fullJson;
        this.progressJson = message.progressJson;
        remember(this.timings.readMs, message.readMs);
        this.hub.send('progress', message.progressJson);
        this.hub.send('trials', message.deltaJson);
        return;
      case 'analysis':
        this.analysisVersion = message.version;
        this.analysisJson = message.json;
        remember(this.timings.analysisMs, message.durationMs);
        this.hub.send('analysis', JSON.stringify({ version: message.version }));
        return;
      case 'store-error':
        this.storeError = message.message;
        this.hub.send('status', this.statusJson());
        return;
    }
  }
}

const KEPT_TIMINGS = 1_000;

function remember(list: number[], value: number): void {
  list.push(value);
  if (list.length > KEPT_TIMINGS) list.shift();
}
