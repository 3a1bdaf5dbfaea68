/**
 * Process CPU time and memory from /proc. /proc/<pid>/stat holds utime + stime summed over all of the
 * process's threads, including threads that have already exited, in clock ticks; task/<tid>/schedstat has
 * nanosecond run time per live thread (zero where the kernel keeps no schedstats).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServelabError, errorMessage } from '../core/errors.js';

let cachedTicksPerSecond: number | undefined;

/** USER_HZ: the unit of /proc/<pid>/stat times (100 on practically every Linux). */
export function clockTicksPerSecond(): number {
  if (cachedTicksPerSecond === undefined) {
    try {
      cachedTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      cachedTicksPerSecond = 100;
    }
  }
  return cachedTicksPerSecond;
}

export interface ProcStat {
  readonly utimeTicks: number;
  readonly stimeTicks: number;
  readonly threads: number;
  readonly rssPages: number;
}

/** Parses one /proc/<pid>/stat line; the command name may hold spaces and parentheses. */
export function parseProcStat(text: string): ProcStat {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new ServelabError(`unexpected /proc stat format: '${text.slice(0, 80)}'`, 'internal');
  // Fields from the 3rd on (state, ppid, ...); utime and stime are fields 14 and 15 of the whole line.
  const rest = text.slice(close + 2).trim().split(/\s+/);
  const field = (position: number): number => Number(rest[position - 3]);
  return { utimeTicks: field(14), stimeTicks: field(15), threads: field(20), rssPages: field(24) };
}

export interface ProcOptions {
  /** Root of /proc (tests pass a fixture folder). */
  readonly procDir?: string;
}

/** CPU seconds (user + system, all threads, exited ones included) of a process so far. */
export function readProcessCpuSeconds(pid: number, options: ProcOptions = {}): number {
  const path = join(options.procDir ?? '/proc', String(pid), 'stat');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ServelabError(`cannot read CPU time of process ${pid}: ${errorMessage(error)}`, 'unavailable');
  }
  const stat = parseProcStat(text);
  return (stat.utimeTicks + stat.stimeTicks) / clockTicksPerSecond();
}

/** Peak resident memory (VmHWM) in MB, or undefined when the process is gone. */
export function readPeakRssMb(pid: number, options: ProcOptions = {}): number | undefined {
  try {
    const status = readFileSync(join(options.procDir ?? '/proc', String(pid), 'status'), 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
