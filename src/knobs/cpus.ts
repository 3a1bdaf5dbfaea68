/** CPU lists, the CPUs this process may use, and cpufreq where the kernel exposes it. */
import { accessSync, constants, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ServelabError } from '../core/errors.js';

/** Parses a kernel CPU list such as '0-3,8,10-11'. */
export function parseCpuList(text: string): number[] {
  const cpus: number[] = [];
  for (const part of text.trim().split(',')) {
    if (part === '') continue;
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!match) throw new ServelabError(`expected a CPU list like '0-3,8', got '${text.trim()}'`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    for (let cpu = from; cpu <= to; cpu++) cpus.push(cpu);
  }
  return cpus;
}

export function formatCpuList(cpus: readonly number[]): string {
  return cpus.join(',');
}

function hostPath(rootDir: string, path: string): string {
  return rootDir === '/' ? path : join(rootDir, path);
}

/** The CPUs this process may run on (its affinity), read from /proc/self/status. */
export function allowedCpus(rootDir = '/'): number[] {
  try {
    const status = readFileSync(hostPath(rootDir, '/proc/self/status'), 'utf8');
    const match = /^Cpus_allowed_list:\s*(\S+)/m.exec(status);
    if (match) return parseCpuList(match[1]!);
  } catch {
    // fall through to the online list
  }
  return parseCpuList(readFileSync(hostPath(rootDir, '/sys/devices/system/cpu/online'), 'utf8'));
}

export interface CpufreqInfo {
  /** CPUs with a cpufreq folder. */
  readonly cpus: readonly number[];
  readonly minKhz: number;
  readonly maxKhz: number;
  /** Whether scaling_max_freq can be written (root). */
  readonly writable: boolean;
}

export function cpufreqDir(rootDir: string, cpu: number): string {
  return hostPath(rootDir, `/sys/devices/system/cpu/cpu${cpu}/cpufreq`);
}

/** cpufreq limits, or undefined where the kernel has no cpufreq (most VMs). */
export function readCpufreq(rootDir = '/'): CpufreqInfo | undefined {
  const cpuRoot = hostPath(rootDir, '/sys/devices/system/cpu');
  if (!existsSync(cpuRoot)) return undefined;
  const cpus = readdirSync(cpuRoot)
    .map((entry) => /^cpu(\d+)$/.exec(entry))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => Number(match[1]))
    .filter((cpu) => existsSync(join(cpufreqDir(rootDir, cpu), 'scaling_max_freq')))
    .sort((a, b) => a - b);
  const first = cpus[0];
  if (first === undefined) return undefined;
  const dir = cpufreqDir(rootDir, first);
  const minKhz = Number(readFileSync(join(dir, 'cpuinfo_min_freq'), 'utf8'));
  const maxKhz = Number(readFileSync(join(dir, 'cpuinfo_max_freq'), 'utf8'));
  let writable = true;
  try {
    accessSync(join(dir, 'scaling_max_freq'), constants.W_OK);
  } catch {
    writable = false;
  }
  return { cpus, minKhz, maxKhz, writable };
}

/** The nominal clock from /proc/cpuinfo ('cpu MHz'), in kHz, for the emulated frequency knob. */
export function nominalCpuKhz(rootDir = '/'): number | undefined {
  try {
    const match = /^cpu MHz\s*:\s*([\d.]+)/m.exec(readFileSync(hostPath(rootDir, '/proc/cpuinfo'), 'utf8'));
    return match ? Math.round(Number(match[1]) * 1000) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether an executable is on the PATH. */
export function commandOnPath(name: string, pathVariable = process.env.PATH ?? ''): boolean {
  return pathVariable.split(':').some((dir) => {
    if (dir === '') return false;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
