import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../core/worker.js';
import { ServelabError } from '../../core/errors.js';
import type { OrtOptions } from '../config.js';
import type { OrtTensorMetadata, SessionWorkerData, WireTensor, WorkerReply, WorkerRequest } from './messages.js';
import { InferenceRunError } from './run-error.js';

/** The instance thread's module: TypeScript from a clone, JavaScript from the built package. */
const SESSION_WORKER_URL = new URL(`./session-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

export interface RunResult {
  readonly outputs: readonly WireTensor[];
  readonly computeUs: number;
  /** Time between posting the batch and the start of its run (transfer, and waiting behind a prefetched batch). */
  readonly waitUs: number;
  /**
   * How long the batch held its instance, as the I/O thread sees it: from posting (or from the instance's
   * previous answer, when it was still busy) to the answer. What one more batch in the queue costs an instance.
   */
  readonly serviceUs: number;
  /** From the instance posting its answer to the I/O thread receiving it. */
  readonly handbackUs: number;
}

interface Pending {
  readonly postedMs: number;
  readonly resolve: (result: RunResult) => void;
  readonly reject: (error: Error) => void;
}

interface Instance {
  readonly worker: Worker;
  /** Batches posted to this instance and not yet answered, by request id (the worker runs them in order). */
  readonly outstanding: Map<number, Pending>;
  /** The worker thread ended (crashed): it never gets work again. */
  dead?: boolean;
  /** performance.now() of this instance's last answer. */
  lastAnsweredMs: number;
}

export interface LoadedSessionInfo {
  readonly inputs: readonly OrtTensorMetadata[];
  readonly outputs: readonly OrtTensorMetadata[];
  readonly loadMs: number;
  /** Every instance thread was pinned to the CPUs asked for. */
  readonly pinned: boolean;
}

/**
 * N model instances (Triton's instance group): each a worker thread holding its own ORT session.
 * run() goes to the least loaded instance; the batcher bounds how many batches are outstanding.
 */
export class InstancePool {
  readonly #instances: Instance[];
  #nextId = 1;
  #closed = false;

  private constructor(instances: Instance[]) {
    this.#instances = instances;
  }

  /** `cpus`: pin the instance threads there (the I/O thread is kept elsewhere, see thread-placement.ts). */
  static async start(modelPath: string, ort: OrtOptions, count: number, cpus?: readonly number[]): Promise<{ pool: InstancePool; info: LoadedSessionInfo }> {
    const workerData: SessionWorkerData = { modelPath, ort, ...(cpus ? { cpus } : {}) };
    const workers = Array.from({ length: count }, () => startWorker(SESSION_WORKER_URL, { workerData }));
    const replies = await Promise.allSettled(workers.map((worker) => waitReady(worker)));
    const failed = replies.find((reply) => reply.status === 'rejected');
    if (failed) {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw (failed as PromiseRejectedResult).reason;
    }
    const loaded = replies.map((reply) => (reply as PromiseFulfilledResult<LoadedSessionInfo>).value);
    const info = { ...loaded[0]!, pinned: loaded.every((each) => each.pinned) };
    const pool = new InstancePool(workers.map((worker) => ({ worker, outstanding: new Map(), lastAnsweredMs: 0 })));
    for (const instance of pool.#instances) pool.#listen(instance);
    return { pool, info };
  }

  get size(): number {
    return this.#instances.length;
  }

  /** Instances with at least one batch posted and not answered. */
  get busyInstances(): number {
    return this.#instances.filter((instance) => instance.outstanding.size > 0).length;
  }

  run(feeds: readonly WireTensor[]): Promise<RunResult> {
    if (this.#closed) return Promise.reject(new ServelabError('model is unloading', 'unavailable'));
    const alive = this.#instances.filter((candidate) => !candidate.dead);
    if (alive.length === 0) return Promise.reject(new ServelabError('every model instance has exited', 'unavailable'));
    const instance = alive.reduce((least, candidate) => (candidate.outstanding.size < least.outstanding.size ? candidate : least));
    const request: WorkerRequest = { type: 'run', id: this.#nextId++, feeds, sentAtEpochMs: performance.timeOrigin + performance.now() };
    return new Promise<RunResult>((resolve, reject) => {
      instance.outstanding.set(request.id, { postedMs: performance.now(), resolve, reject });
      instance.worker.postMessage(request, transferables(feeds));
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#instances.map((instance) => instance.worker.terminate()));
  }

  #listen(instance: Instance): void {
    const take = (id: number): Pending | undefined => {
      const pending = instance.outstanding.get(id);
      instance.outstanding.delete(id);
      return pending;
    };
    const answered = (id: number): { pending: Pending; serviceUs: number } | undefined => {
      const pending = take(id);
      if (!pending) return undefined;
      const nowMs = performance.now();
      const serviceUs = (nowMs - Math.max(pending.postedMs, instance.lastAnsweredMs)) * 1000;
      instance.lastAnsweredMs = nowMs;
      return { pending, serviceUs };
    };
    instance.worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'result') {
        const done = answered(reply.id);
        const handbackUs = Math.max(0, (performance.timeOrigin + performance.now() - reply.postedAtEpochMs) * 1000);
        done?.pending.resolve({ outputs: reply.outputs, computeUs: reply.computeUs, waitUs: reply.waitUs, serviceUs: done.serviceUs, handbackUs });
      } else if (reply.type === 'run-failed') {
        answered(reply.id)?.pending.reject(new InferenceRunError(reply.message));
      }
    });
    const failAll = (error: Error): void => {
      for (const id of [...instance.outstanding.keys()]) take(id)?.reject(error);
    };
    instance.worker.on('error', failAll);
    instance.worker.on('exit', () => {
      if (this.#closed) return;
      instance.dead = true;
      failAll(new ServelabError('model instance exited unexpectedly', 'internal'));
    });
  }
}

function waitReady(worker: Worker): Promise<LoadedSessionInfo> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: WorkerReply): void => {
      if (reply.type === 'ready') resolve({ inputs: reply.inputs, outputs: reply.outputs, loadMs: reply.loadMs, pinned: reply.pinned });
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
