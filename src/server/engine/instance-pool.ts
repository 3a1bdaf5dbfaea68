import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../core/worker.js';
import { ServelabError } from '../../core/errors.js';
import type { OrtOptions } from '../config.js';
import type { OrtTensorMetadata, WireTensor, WorkerReply, WorkerRequest } from './messages.js';

export interface RunResult {
  readonly outputs: readonly WireTensor[];
  readonly computeUs: number;
}

interface Instance {
  readonly worker: Worker;
  busy: boolean;
  /** The worker thread ended (crashed): it never gets work again. */
  dead?: boolean;
  pending?: { resolve: (result: RunResult) => void; reject: (error: Error) => void } | undefined;
}

export interface LoadedSessionInfo {
  readonly inputs: readonly OrtTensorMetadata[];
  readonly outputs: readonly OrtTensorMetadata[];
  readonly loadMs: number;
}

/**
 * N model instances (Triton's instance group): each a worker thread holding its own ORT session.
 * run() goes to an idle instance; callers (the batcher) never run more at once than there are instances.
 */
export class InstancePool {
  readonly #instances: Instance[];
  #nextId = 1;
  #closed = false;

  private constructor(instances: Instance[]) {
    this.#instances = instances;
  }

  static async start(modelPath: string, ort: OrtOptions, count: number): Promise<{ pool: InstancePool; info: LoadedSessionInfo }> {
    const workers = Array.from({ length: count }, () =>
      startWorker(new URL('./session-worker.ts', import.meta.url), { workerData: { modelPath, ort } }),
    );
    const replies = await Promise.allSettled(workers.map((worker) => waitReady(worker)));
    const failed = replies.find((reply) => reply.status === 'rejected');
    if (failed) {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw (failed as PromiseRejectedResult).reason;
    }
    const info = (replies[0] as PromiseFulfilledResult<LoadedSessionInfo>).value;
    const pool = new InstancePool(workers.map((worker) => ({ worker, busy: false })));
    for (const instance of pool.#instances) pool.#listen(instance);
    return { pool, info };
  }

  get size(): number {
    return this.#instances.length;
  }

  get idleCount(): number {
    return this.#instances.filter((instance) => !instance.busy).length;
  }

  run(feeds: readonly WireTensor[]): Promise<RunResult> {
    if (this.#closed) return Promise.reject(new ServelabError('model is unloading', 'unavailable'));
    const instance = this.#instances.find((candidate) => !candidate.busy && !candidate.dead);
    if (!instance) {
      const allDead = this.#instances.every((candidate) => candidate.dead);
      return Promise.reject(
        allDead ? new ServelabError('every model instance has exited', 'unavailable') : new Error('no idle model instance (the batcher must not over-dispatch)'),
      );
    }
    instance.busy = true;
    const request: WorkerRequest = { type: 'run', id: this.#nextId++, feeds };
    return new Promise<RunResult>((resolve, reject) => {
      instance.pending = { resolve, reject };
      instance.worker.postMessage(request, transferables(feeds));
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#instances.map((instance) => instance.worker.terminate()));
  }

  #listen(instance: Instance): void {
    const settle = (outcome: { result: RunResult } | { error: Error }): void => {
      const pending = instance.pending;
      instance.pending = undefined;
      instance.busy = false;
      if (!pending) return;
      if ('result' in outcome) pending.resolve(outcome.result);
      else pending.reject(outcome.error);
    };
    instance.worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'result') settle({ result: { outputs: reply.outputs, computeUs: reply.computeUs } });
      else if (reply.type === 'run-failed') settle({ error: new ServelabError(`inference failed: ${reply.message}`, 'internal') });
    });
    instance.worker.on('error', (error) => settle({ error }));
    instance.worker.on('exit', () => {
      if (this.#closed) return;
      instance.dead = true;
      settle({ error: new ServelabError('model instance exited unexpectedly', 'internal') });
    });
  }
}

function waitReady(worker: Worker): Promise<LoadedSessionInfo> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: WorkerReply): void => {
      if (reply.type === 'ready') resolve({ inputs: reply.inputs, outputs: reply.outputs, loadMs: reply.loadMs });
      else if (reply.type === 'load-failed') reject(new ServelabError(`cannot load model: ${reply.message}`));
      else return;
      worker.off('message', onMessage);
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
}

/** Whole buffers owned by a tensor can move to the worker without a copy; views into shared pools cannot. */
function transferables(feeds: readonly WireTensor[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const feed of feeds) {
    const data = feed.data;
    if (Array.isArray(data) || !(data.buffer instanceof ArrayBuffer)) continue;
    if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) buffers.add(data.buffer);
  }
  return [...buffers];
}
