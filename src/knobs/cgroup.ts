/**
 * Control groups, v1 and v2: where each controller is mounted, where this process sits in it, and how to
 * make, fill and remove a child group for one server process. Paths go through a root folder so that
 * detection can be tested on fixture trees.
 */
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServelabError, errorMessage } from '../core/errors.js';

export type CgroupController = 'cpu' | 'cpuset' | 'memory';

export interface CgroupMount {
  readonly version: 1 | 2;
  readonly mountPoint: string;
  /** v1: the controllers named in the mount options; v2: cgroup.controllers of the mount root. */
  readonly controllers: readonly string[];
}

/** Parses /proc/mounts (or /proc/self/mounts) into the cgroup mounts. */
export function parseCgroupMounts(mountsText: string, readControllersV2: (mountPoint: string) => string[]): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of mountsText.split('\n')) {
    const [, mountPoint, fsType, options] = line.split(' ');
    if (!mountPoint || !options) continue;
    if (fsType === 'cgroup') {
      mounts.push({ version: 1, mountPoint, controllers: options.split(',').filter((opt) => ['cpu', 'cpuacct', 'cpuset', 'memory'].includes(opt)) });
    } else if (fsType === 'cgroup2') {
      mounts.push({ version: 2, mountPoint, controllers: readControllersV2(mountPoint) });
    }
  }
  return mounts;
}

/** Parses /proc/self/cgroup: v1 lines 'N:controllers:/path', the v2 line '0::/path'. */
export function parseProcCgroup(text: string): { v1: Map<string, string>; v2: string | undefined } {
  const v1 = new Map<string, string>();
  let v2: string | undefined;
  for (const line of text.split('\n')) {
    const match = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!match) continue;
    if (match[1] === '0' && match[2] === '') v2 = match[3]!;
    else for (const controller of match[2]!.split(',')) v1.set(controller, match[3]!);
  }
  return { v1, v2 };
}

export interface CgroupEnv {
  /** File system root (tests pass a fixture tree). */
  readonly rootDir: string;
}

function hostPath(env: CgroupEnv, path: string): string {
  return env.rootDir === '/' ? path : join(env.rootDir, path);
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export interface ControllerLocation {
  readonly version: 1 | 2;
  readonly controller: CgroupController;
  /** The folder of this process's own group for the controller: new groups are made inside it. */
  readonly parentDir: string;
}

/** Where to make groups for a controller, or why it can't be done here. */
export function locateController(env: CgroupEnv, controller: CgroupController): ControllerLocation | { reason: string } {
  const mountsText = readOptional(hostPath(env, '/proc/self/mounts')) ?? readOptional(hostPath(env, '/proc/mounts'));
  if (mountsText === undefined) return { reason: 'cannot read /proc/self/mounts' };
  const mounts = parseCgroupMounts(mountsText, (mountPoint) =>
    (readOptional(join(hostPath(env, mountPoint), 'cgroup.controllers')) ?? '').trim().split(/\s+/).filter(Boolean),
  );
  const own = parseProcCgroup(readOptional(hostPath(env, '/proc/self/cgroup')) ?? '');
  const problems: string[] = [];
  const v1 = mounts.find((mount) => mount.version === 1 && mount.controllers.includes(controller));
  if (v1) {
    const parentDir = join(hostPath(env, v1.mountPoint), own.v1.get(controller) ?? '/');
    if (isWritableDir(parentDir)) return { version: 1, controller, parentDir };
    problems.push(`cgroup v1 ${controller} at ${parentDir} is not writable (needs root)`);
  } else {
    problems.push(`no cgroup v1 ${controller} hierarchy is mounted`);
  }
  const v2 = mounts.find((mount) => mount.version === 2);
  if (v2) {
    const parentDir = join(hostPath(env, v2.mountPoint), own.v2 ?? '/');
    const enabled = (readOptional(join(parentDir, 'cgroup.controllers')) ?? '').trim().split(/\s+/);
    if (!enabled.includes(controller)) problems.push(`the cgroup v2 ${controller} controller is not enabled at ${parentDir}`);
    else if (!isWritableDir(parentDir)) problems.push(`cgroup v2 at ${parentDir} is not writable (needs root or delegation)`);
    else return { version: 2, controller, parentDir };
  } else {
    problems.push('no cgroup v2 hierarchy is mounted');
  }
  return { reason: problems.join('; ') };
}

function isWritableDir(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** One child group made for one server process. */
export class ChildCgroup {
  constructor(
    readonly location: ControllerLocation,
    readonly dir: string,
  ) {}

  static create(location: ControllerLocation, name: string): ChildCgroup {
    const dir = join(location.parentDir, name);
    try {
      mkdirSync(dir);
      if (location.version === 2) {
        // v2 needs the controller switched on for the children of the parent.
        const control = join(location.parentDir, 'cgroup.subtree_control');
        if (!(readOptional(control) ?? '').split(/\s+/).includes(location.controller)) writeFileSync(control, `+${location.controller}`);
      }
    } catch (error) {
      throw new ServelabError(`cannot create cgroup ${dir}: ${errorMessage(error)}`, 'unavailable');
    }
    return new ChildCgroup(location, dir);
  }

  write(file: string, value: string): void {
    try {
      writeFileSync(join(this.dir, file), value);
    } catch (error) {
      throw new ServelabError(`cannot write '${value}' to ${join(this.dir, file)}: ${errorMessage(error)}`, 'unavailable');
    }
  }

  read(file: string): string | undefined {
    return readOptional(join(this.dir, file))?.trim();
  }

  get procsFile(): string {
    return join(this.dir, 'cgroup.procs');
  }

  /** How many times the kernel's OOM killer fired in this group (v1 memory.oom_control, v2 memory.events). */
  oomKills(): number {
    const text = this.location.version === 1 ? this.read('memory.oom_control') : this.read('memory.events');
    const match = /^oom_kill (\d+)$/m.exec(text ?? '');
    if (match) return Number(match[1]);
    // Old v1 kernels have no oom_kill counter; hitting the limit (failcnt) is the closest sign.
    return this.location.version === 1 && Number(this.read('memory.failcnt') ?? 0) > 0 && this.read('memory.oom_control')?.includes('under_oom 1') ? 1 : 0;
  }

  /** Removes the group; it must be empty, so this retries briefly while the killed process is reaped. */
  async remove(): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      if (!existsSync(this.dir)) return;
      try {
        rmdirSync(this.dir);
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }
}
