/**
 * Where the server's threads run. The I/O thread (HTTP and gRPC parsing, encoding, writes) and the instance
 * threads (ONNX Runtime sessions) preempt each other when they share CPUs: a request's bytes wait while a
 * session holds the core, and an intra-op barrier stalls while the I/O thread holds one of its threads' cores.
 * When the instances' threads leave a CPU of the server's share free, the I/O thread gets that CPU and the
 * instance threads the others; otherwise all share every CPU (and the placement says why).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { formatCpuList, parseCpuList } from '../../knobs/cpus.js';

export type ThreadPlacementMode = 'auto' | 'shared';

export interface ThreadPlacement {
  readonly mode: ThreadPlacementMode;
  /** The I/O thread and the instance threads are on different CPUs. */
  readonly separate: boolean;
  readonly ioCpus: readonly number[];
  readonly instanceCpus: readonly number[];
  /** One line: the layout, or why the threads share CPUs. */
  readonly reason: string;
}

export interface ThreadPlacementRequest {
  readonly mode: ThreadPlacementMode;
  /** CPUs the server process may use. */
  readonly allowedCpus: readonly number[];
  /** Threads the instances compute on (instances × intra-op threads, summed over models); null: one per CPU (intra-op 0). */
  readonly instanceThreads: number | null;
  /** Whether a thread can be pinned here (taskset on the PATH). */
  readonly canPin: boolean;
}

export function planThreadPlacement(request: ThreadPlacementRequest): ThreadPlacement {
  const { mode, allowedCpus, instanceThreads, canPin } = request;
  const shared = (reason: string): ThreadPlacement => ({ mode, separate: false, ioCpus: allowedCpus, instanceCpus: allowedCpus, reason: `I/O and instance threads share CPU ${formatCpuList(allowedCpus)}: ${reason}` });
  if (mode === 'shared') return shared('threadPlacement is shared');
  if (!canPin) return shared('taskset is not on the PATH (apt-get install util-linux), so no thread can be pinned');
  if (instanceThreads === null) return shared('ort.intraOpThreads 0 gives the instances one thread per CPU');
  if (instanceThreads + 1 > allowedCpus.length) {
    return shared(`${instanceThreads} instance thread(s) leave none of the ${allowedCpus.length} CPU(s) free for the I/O thread`);
  }
  const ioCpus = allowedCpus.slice(-1);
  const instanceCpus = allowedCpus.slice(0, -1);
  return { mode, separate: true, ioCpus, instanceCpus, reason: `I/O thread on CPU ${formatCpuList(ioCpus)}, ${instanceThreads} instance thread(s) on CPU ${formatCpuList(instanceCpus)}` };
}

/** The kernel id of the calling thread (its /proc/thread-self), or null where /proc cannot tell. */
export function currentThreadId(): number | null {
  try {
    const match = /\/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** The CPUs a thread may run on, or null where /proc cannot tell. */
export function threadCpus(threadId: number): number[] | null {
  try {
    const match = /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync(`/proc/self/task/${threadId}/status`, 'utf8'));
    return match ? parseCpuList(match[1]!) : null;
  } catch {
    return null;
  }
}

/** Pins one thread (threads it starts afterwards inherit the set); false when taskset refused or is absent. */
export function pinThread(threadId: number, cpus: readonly number[]): boolean {
  const result = spawnSync('taskset', ['-p', '-c', formatCpuList(cpus), String(threadId)], { stdio: 'ignore' });
  return result.status === 0;
}
