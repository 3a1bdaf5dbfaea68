import type { ModelConfig } from './config.js';
import { currentThreadId, pinThread, threadCpus } from './engine/thread-placement.js';

/**
 * Threads the models' instances compute on: instances × intra-op threads (plus inter-op threads in parallel
 * execution mode), summed over models; null when any model leaves a thread count to ONNX Runtime (0: one per CPU).
 */
export function instanceThreadsOf(configs: readonly ModelConfig[]): number | null {
  let threads = 0;
  for (const { instances, ort } of configs) {
    const parallel = ort.executionMode === 'parallel';
    if (ort.intraOpThreads === 0 || (parallel && ort.interOpThreads === 0)) return null;
    const interOp = parallel ? ort.interOpThreads : 0;
    threads += instances * (ort.intraOpThreads + interOp);
  }
  return threads;
}

export interface PinnedIoThread {
  /** Gives the thread back the CPUs it had (the server may live inside a larger process). */
  restore(): void;
}

/** Pins the calling thread (the server's I/O thread) to `cpus`; null when it cannot be pinned. */
export function pinIoThread(cpus: readonly number[]): PinnedIoThread | null {
  const threadId = currentThreadId();
  if (threadId === null) return null;
  const before = threadCpus(threadId);
  if (!before || !pinThread(threadId, cpus)) return null;
  let restored = false;
  return {
    restore: () => {
      if (restored) return;
      restored = true;
      pinThread(threadId, before);
    },
  };
}
