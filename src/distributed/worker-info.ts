/** Which machine ran a trial: recorded with every trial a worker runs, so analysis can treat it as a context. */
import { cpus, hostname, totalmem } from 'node:os';

export interface WorkerInfo {
  readonly host: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryMb: number;
  readonly pid: number;
}

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
