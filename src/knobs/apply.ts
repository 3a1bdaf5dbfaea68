/**
 * Applies OS knobs to one server process by the way it is launched: the command is wrapped so that the
 * process joins its cgroups (a tiny shell that writes its own pid, then execs), runs under taskset and
 * prlimit, and keeps its pid through every exec. release() undoes everything (groups, cpufreq caps).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Configuration, KnobValue } from '../core/space.js';
import { ServelabError } from '../core/errors.js';
import { ChildCgroup } from './cgroup.js';
import { cpufreqDir, formatCpuList } from './cpus.js';
import { isOsKnob, type KnobMethod, type OsCapabilities, type OsKnob } from './detect.js';

export interface OsKnobValues {
  readonly cpuCores?: number;
  readonly cpuQuota?: number;
  readonly cpuFreqKhz?: number;
  readonly memoryLimitMb?: number;
}

/** Picks the os.* values out of a configuration, checking their types. */
export function osKnobValues(configuration: Configuration): OsKnobValues {
  const values: Record<string, number> = {};
  for (const [name, value] of Object.entries(configuration)) {
    if (!name.startsWith('os.')) continue;
    if (!isOsKnob(name)) throw new ServelabError(`unknown OS knob '${name}'; expected one of os.cpuCores, os.cpuQuota, os.cpuFreqKhz, os.memoryLimitMb`);
    values[name.slice(3)] = numberLevel(name, value);
  }
  return values;
}

function numberLevel(name: OsKnob, value: KnobValue): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new ServelabError(`${name}: expected a positive number, got ${JSON.stringify(value)}`);
  return value;
}

export interface AppliedOsKnob {
  readonly knob: OsKnob;
  readonly requested: number;
  /** What was actually set, e.g. 'cpus 0,1', 'quota 5000 us per 10000 us (0.50 cores; os.cpuQuota 0.5)'. */
  readonly applied: string;
  readonly method: KnobMethod;
  readonly emulated?: string;
}

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderrTail: string;
}

export interface OsKnobLaunch {
  /** The command to spawn, wrapping the original one. */
  readonly argv: readonly string[];
  readonly applied: readonly AppliedOsKnob[];
  /** Whether the process ended for lack of memory under the limit. */
  outOfMemory(exit: ExitInfo): boolean;
  release(): Promise<void>;
}

/**
 * The CFS bandwidth period. The kernel's default 100 ms lets a throttled server run a burst, then stall for up
 * to tens of ms, so p99 under a quota depends on where bursts fall and varies run to run; a 10 ms period spreads
 * the same share of CPU time evenly, closer to the lower clock the quota stands in for.
 */
const CFS_PERIOD_US = 10_000;
const ALLOCATION_FAILURE = /bad_alloc|failed to allocate|out of memory|cannot allocate memory|ENOMEM|allocation failed/i;

let groupCounter = 0;

export interface OsKnobOptions {
  /** Pin the process to these CPUs (taskset) when os.cpuCores does not choose them: the server's share of the machine. */
  readonly confineToCpus?: readonly number[];
}

/** Prepares the wrapped command and the groups for one launch. Nothing is applied when no os.* knob is set and nothing is confined. */
export function prepareOsKnobs(values: OsKnobValues, argv: readonly string[], capabilities: OsCapabilities, options: OsKnobOptions = {}): OsKnobLaunch {
  const applied: AppliedOsKnob[] = [];
  const groups: ChildCgroup[] = [];
  const restores: (() => void)[] = [];
  const prefix: string[] = [];
  const groupName = `servelab-${process.pid}-${++groupCounter}`;
  const method = (knob: OsKnob): KnobMethod => {
    const capability = capabilities.knobs[knob];
    if (!capability.method) throw new ServelabError(`${knob} can't be applied here: ${capability.reason}`, 'unsupported');
    return capability.method;
  };
  const emulatedOf = (knob: OsKnob): { emulated?: string } => {
    const emulated = capabilities.knobs[knob].emulated;
    return emulated ? { emulated } : {};
  };

  try {
    let cpus = capabilities.allowedCpus;
    if (values.cpuCores !== undefined) {
      const count = values.cpuCores;
      if (!Number.isInteger(count) || count > capabilities.allowedCpus.length) {
        throw new ServelabError(`os.cpuCores: expected an integer from 1 to ${capabilities.allowedCpus.length} (the CPUs this process may use), got ${count}`);
      }
      cpus = capabilities.allowedCpus.slice(0, count);
      const how = method('os.cpuCores');
      if (how === 'taskset') prefix.push('taskset', '-c', formatCpuList(cpus));
      else {
        const group = ChildCgroup.create(capabilities.cpuset!, groupName);
        groups.push(group);
        group.write('cpuset.cpus', formatCpuList(cpus));
        if (capabilities.cpuset!.version === 1) group.write('cpuset.mems', readFileSync(join(capabilities.cpuset!.parentDir, 'cpuset.mems'), 'utf8').trim());
      }
      applied.push({ knob: 'os.cpuCores', requested: count, applied: `cpus ${formatCpuList(cpus)}`, method: how });
    } else if (options.confineToCpus !== undefined) {
      cpus = options.confineToCpus;
      prefix.push('taskset', '-c', formatCpuList(cpus));
    }

    let quotaFraction: number | undefined;
    const quotaParts: string[] = [];
    if (values.cpuQuota !== undefined) {
      method('os.cpuQuota');
      if (values.cpuQuota > 1) throw new ServelabError(`os.cpuQuota: expected a fraction in (0, 1], got ${values.cpuQuota}`);
      quotaFraction = values.cpuQuota;
      quotaParts.push(`os.cpuQuota ${values.cpuQuota}`);
    }
    if (values.cpuFreqKhz !== undefined) {
      const how = method('os.cpuFreqKhz');
      if (how === 'cpufreq') {
        const info = capabilities.cpufreq!;
        if (values.cpuFreqKhz < info.minKhz || values.cpuFreqKhz > info.maxKhz) {
          throw new ServelabError(`os.cpuFreqKhz: expected ${info.minKhz}..${info.maxKhz} kHz (cpuinfo_min_freq..cpuinfo_max_freq), got ${values.cpuFreqKhz}`);
        }
        for (const cpu of cpus.filter((c) => info.cpus.includes(c))) {
          const path = join(cpufreqDir(capabilities.rootDir, cpu), 'scaling_max_freq');
          const previous = readFileSync(path, 'utf8').trim();
          writeFileSync(path, String(values.cpuFreqKhz));
          restores.push(() => writeFileSync(path, previous));
        }
        applied.push({ knob: 'os.cpuFreqKhz', requested: values.cpuFreqKhz, applied: `scaling_max_freq ${values.cpuFreqKhz} kHz on cpus ${formatCpuList(cpus)}`, method: how });
      } else {
        const nominal = capabilities.nominalKhz!;
        if (values.cpuFreqKhz > nominal) throw new ServelabError(`os.cpuFreqKhz: an emulated frequency can't exceed the nominal ${nominal} kHz, got ${values.cpuFreqKhz}`);
        quotaFraction = (quotaFraction ?? 1) * (values.cpuFreqKhz / nominal);
        quotaParts.push(`os.cpuFreqKhz ${values.cpuFreqKhz}/${nominal}`);
      }
    }
    if (quotaFraction !== undefined) {
      const location = capabilities.cpu!;
      const group = ChildCgroup.create(location, groupName);
      groups.push(group);
      const quotaUs = Math.max(1_000, Math.round(quotaFraction * cpus.length * CFS_PERIOD_US));
      if (location.version === 1) {
        group.write('cpu.cfs_period_us', String(CFS_PERIOD_US));
        group.write('cpu.cfs_quota_us', String(quotaUs));
      } else {
        group.write('cpu.max', `${quotaUs} ${CFS_PERIOD_US}`);
      }
      const text = `quota ${quotaUs} us per ${CFS_PERIOD_US} us (${(quotaUs / CFS_PERIOD_US).toFixed(2)} cores; ${quotaParts.join(' x ')})`;
      if (values.cpuQuota !== undefined) applied.push({ knob: 'os.cpuQuota', requested: values.cpuQuota, applied: text, method: 'cgroup-cpu-quota', ...emulatedOf('os.cpuQuota') });
      if (values.cpuFreqKhz !== undefined && capabilities.knobs['os.cpuFreqKhz'].method === 'cgroup-cpu-quota') {
        applied.push({ knob: 'os.cpuFreqKhz', requested: values.cpuFreqKhz, applied: text, method: 'cgroup-cpu-quota', ...emulatedOf('os.cpuFreqKhz') });
      }
    }

    let memoryGroup: ChildCgroup | undefined;
    let rlimit = false;
    if (values.memoryLimitMb !== undefined) {
      const how = method('os.memoryLimitMb');
      const bytes = Math.round(values.memoryLimitMb * 1024 * 1024);
      if (how === 'cgroup-memory') {
        const location = capabilities.memory!;
        memoryGroup = ChildCgroup.create(location, groupName);
        groups.push(memoryGroup);
        if (location.version === 1) {
          memoryGroup.write('memory.limit_in_bytes', String(bytes));
          // No swapping past the limit where swap accounting exists: the limit is on memory, not RAM.
          if (memoryGroup.read('memory.memsw.limit_in_bytes') !== undefined) memoryGroup.write('memory.memsw.limit_in_bytes', String(bytes));
        } else {
          memoryGroup.write('memory.max', String(bytes));
          if (memoryGroup.read('memory.swap.max') !== undefined) memoryGroup.write('memory.swap.max', '0');
        }
        applied.push({ knob: 'os.memoryLimitMb', requested: values.memoryLimitMb, applied: `cgroup memory limit ${bytes} bytes`, method: how });
      } else {
        rlimit = true;
        prefix.push('prlimit', `--as=${bytes}`, '--');
        applied.push({ knob: 'os.memoryLimitMb', requested: values.memoryLimitMb, applied: `address-space limit ${bytes} bytes (prlimit --as)`, method: how });
      }
    }

    const joins = groups.map((group) => `echo $$ > '${group.procsFile}'`);
    const wrapped = joins.length > 0 ? ['sh', '-c', `${joins.join(' && ')} && exec "$@"`, 'servelab-launch', ...prefix, ...argv] : [...prefix, ...argv];
    return {
      argv: wrapped,
      applied,
      outOfMemory: (exit) => {
        if (memoryGroup && memoryGroup.oomKills() > 0) return true;
        return (rlimit || memoryGroup !== undefined) && ALLOCATION_FAILURE.test(exit.stderrTail);
      },
      release: async () => {
        for (const restore of restores.splice(0)) restore();
        for (const group of groups.splice(0)) await group.remove();
      },
    };
  } catch (error) {
    for (const restore of restores) restore();
    void Promise.all(groups.map((group) => group.remove()));
    throw error;
  }
}
