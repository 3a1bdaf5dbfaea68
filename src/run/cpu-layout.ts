/**
 * Which CPUs the load generator and the server under test get. A generator that shares cores with the
 * server measures itself: its sends leave late whenever ONNX Runtime's threads hold the cores, and the
 * server's latency includes the generator's work. So by default the generator gets CPUs of its own (the
 * last ones this process may use) and the server is confined to the rest; os.cpuCores counts within the
 * server's share. With one CPU no isolation is possible, and the layout says so.
 */
import { formatCpuList } from '../knobs/cpus.js';

export interface CpuLayout {
  readonly generatorCpus: readonly number[];
  readonly serverCpus: readonly number[];
  readonly isolated: boolean;
  /** Why generator and server share CPUs (absent when isolated). */
  readonly sharedReason?: string;
}

export interface CpuLayoutRequest {
  /** CPUs this process may use (its affinity). */
  readonly allowedCpus: readonly number[];
  /** CPUs reserved for the generator; 0 turns isolation off. */
  readonly generatorCpus: number;
  /** Whether a process can be pinned here (taskset on the PATH). */
  readonly canPin: boolean;
}

export function planCpuLayout(request: CpuLayoutRequest): CpuLayout {
  const { allowedCpus, generatorCpus, canPin } = request;
  const shared = (sharedReason: string): CpuLayout => ({ generatorCpus: allowedCpus, serverCpus: allowedCpus, isolated: false, sharedReason });
  if (generatorCpus === 0) return shared('isolation is off in the study (isolation.generatorCpus: 0)');
  if (!canPin) return shared('taskset is not on the PATH (apt-get install util-linux), so no process can be pinned');
  if (allowedCpus.length < 2) return shared(`only ${allowedCpus.length} CPU is available, so the generator runs on the server's CPU`);
  if (generatorCpus >= allowedCpus.length) {
    return shared(`isolation.generatorCpus is ${generatorCpus} but only ${allowedCpus.length} CPUs are available; at least one must stay with the server`);
  }
  const split = allowedCpus.length - generatorCpus;
  return { generatorCpus: allowedCpus.slice(split), serverCpus: allowedCpus.slice(0, split), isolated: true };
}

/** Every CPU a measurement uses, the server's and the generator's: those whose steal a trial or a capacity search records. */
export function measuredCpus(layout: CpuLayout): number[] {
  return [...new Set([...layout.serverCpus, ...layout.generatorCpus])];
}

/** One line for logs, environment records and the report. */
export function describeCpuLayout(layout: CpuLayout): string {
  return layout.isolated
    ? `load generator on CPU ${formatCpuList(layout.generatorCpus)}, server on CPU ${formatCpuList(layout.serverCpus)}`
    : `generator and server share CPU ${formatCpuList(layout.serverCpus)}: ${layout.sharedReason}`;
}
