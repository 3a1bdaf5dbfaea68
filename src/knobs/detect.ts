/**
 * What the OS knobs can do on this machine, decided once before a study starts, so that a knob that can't be
 * applied fails the study up front with the reason instead of failing every trial.
 */
import { ServelabError } from '../core/errors.js';
import { locateController, type ControllerLocation } from './cgroup.js';
import { allowedCpus, commandOnPath, nominalCpuKhz, readCpufreq, type CpufreqInfo } from './cpus.js';

export const OS_KNOBS = ['os.cpuCores', 'os.cpuQuota', 'os.cpuFreqKhz', 'os.memoryLimitMb'] as const;
export type OsKnob = (typeof OS_KNOBS)[number];

export function isOsKnob(name: string): name is OsKnob {
  return (OS_KNOBS as readonly string[]).includes(name);
}

export type KnobMethod = 'taskset' | 'cgroup-cpuset' | 'cgroup-cpu-quota' | 'cpufreq' | 'cgroup-memory' | 'prlimit-as';

export interface KnobCapability {
  readonly knob: OsKnob;
  readonly method?: KnobMethod;
  /** Set when the method stands in for the real knob; shown next to every result that used it. */
  readonly emulated?: string;
  /** Why the knob can't be applied here. */
  readonly reason?: string;
}

export interface OsCapabilities {
  readonly rootDir: string;
  readonly allowedCpus: readonly number[];
  readonly cpufreq?: CpufreqInfo;
  readonly nominalKhz?: number;
  readonly cpu?: ControllerLocation;
  readonly cpuset?: ControllerLocation;
  readonly memory?: ControllerLocation;
  readonly knobs: Readonly<Record<OsKnob, KnobCapability>>;
}

export interface OsEnvironment {
  /** File system root; tests pass a fixture tree. */
  readonly rootDir?: string;
  /** PATH used to find taskset and prlimit. */
  readonly pathVariable?: string;
}

export const EMULATED_QUOTA = 'EMULATED frequency: a cgroup CPU quota stands in for a lower CPU frequency';

export function detectOsCapabilities(env: OsEnvironment = {}): OsCapabilities {
  const rootDir = env.rootDir ?? '/';
  const found = (location: ControllerLocation | { reason: string }): ControllerLocation | undefined => ('reason' in location ? undefined : location);
  const cpuLocation = locateController({ rootDir }, 'cpu');
  const cpusetLocation = locateController({ rootDir }, 'cpuset');
  const memoryLocation = locateController({ rootDir }, 'memory');
  const cpu = found(cpuLocation);
  const cpuset = found(cpusetLocation);
  const memory = found(memoryLocation);
  const cpufreq = readCpufreq(rootDir);
  const nominalKhz = nominalCpuKhz(rootDir);
  const hasTaskset = commandOnPath('taskset', env.pathVariable);
  const hasPrlimit = commandOnPath('prlimit', env.pathVariable);
  const reasonOf = (location: ControllerLocation | { reason: string }): string => ('reason' in location ? location.reason : '');

  const cores: KnobCapability = hasTaskset
    ? { knob: 'os.cpuCores', method: 'taskset' }
    : cpuset
      ? { knob: 'os.cpuCores', method: 'cgroup-cpuset' }
      : { knob: 'os.cpuCores', reason: `taskset is not on the PATH (apt-get install util-linux) and ${reasonOf(cpusetLocation)}` };
  const quota: KnobCapability = cpu
    ? { knob: 'os.cpuQuota', method: 'cgroup-cpu-quota', emulated: EMULATED_QUOTA }
    : { knob: 'os.cpuQuota', reason: `no usable cgroup cpu controller: ${reasonOf(cpuLocation)}` };
  let freq: KnobCapability;
  if (cpufreq?.writable) freq = { knob: 'os.cpuFreqKhz', method: 'cpufreq' };
  else if (cpu && nominalKhz) freq = { knob: 'os.cpuFreqKhz', method: 'cgroup-cpu-quota', emulated: `${EMULATED_QUOTA} (quota = kHz / ${nominalKhz} kHz nominal; no writable cpufreq here)` };
  else {
    const why = cpufreq ? 'cpufreq scaling_max_freq is not writable (needs root)' : 'the kernel exposes no cpufreq';
    freq = { knob: 'os.cpuFreqKhz', reason: `${why}, and it can't be emulated: ${cpu ? 'no nominal clock in /proc/cpuinfo' : reasonOf(cpuLocation)}` };
  }
  const mem: KnobCapability = memory
    ? { knob: 'os.memoryLimitMb', method: 'cgroup-memory' }
    : hasPrlimit
      ? { knob: 'os.memoryLimitMb', method: 'prlimit-as' }
      : { knob: 'os.memoryLimitMb', reason: `${reasonOf(memoryLocation)}, and prlimit is not on the PATH` };

  return {
    rootDir,
    allowedCpus: allowedCpus(rootDir),
    ...(cpufreq ? { cpufreq } : {}),
    ...(nominalKhz ? { nominalKhz } : {}),
    ...(cpu ? { cpu } : {}),
    ...(cpuset ? { cpuset } : {}),
    ...(memory ? { memory } : {}),
    knobs: { 'os.cpuCores': cores, 'os.cpuQuota': quota, 'os.cpuFreqKhz': freq, 'os.memoryLimitMb': mem },
  };
}

/** Throws one ServelabError naming every swept OS knob that can't be applied here, and why. */
export function assertOsKnobsApplicable(knobNames: readonly string[], capabilities: OsCapabilities): void {
  const problems = knobNames
    .filter(isOsKnob)
    .map((name) => capabilities.knobs[name])
    .filter((capability) => capability.method === undefined)
    .map((capability) => `${capability.knob} can't be applied here: ${capability.reason}`);
  if (problems.length > 0) throw new ServelabError(problems.join('\n'), 'unsupported');
}
