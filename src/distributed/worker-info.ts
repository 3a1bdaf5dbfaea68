/** Which machine ran a trial: recorded with every trial a worker runs, so analysis can treat it as a context. */
import { cpus, hostname, totalmem } from 'node:os';
import type { WorkerMachine } from '../core/trial-measurement.js';

/** Every field filled in (the stored record, core/trial-measurement.ts's WorkerMachine, reads older rows without some). */
export type WorkerInfo = Required<WorkerMachine>;

export function describeWorker(name?: string): WorkerInfo {
  const processors = cpus();
  return {
    host: name ?? hostname(),
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryMb: Math.round(totalmem() / 2 ** 20),
    pid: process.pid,
  };
}
