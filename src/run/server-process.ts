/**
 * One server process for one trial: spawned (wrapped by the OS knobs), watched until it prints its ready
 * line, stopped at the end. Whatever goes wrong (exit before ready, no ready line in time, a crash while
 * serving, out of memory) is classified as a trial failure with its reason, never thrown past the runner.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { FailureKind } from '../core/trial.js';
import type { ExitInfo, OsKnobLaunch } from '../knobs/apply.js';

export interface ReadyInfo {
  readonly http: string;
  readonly grpc: string | null;
  readonly models: readonly string[];
  readonly startupMs: number;
  /** Where the server put its I/O and instance threads, one line (absent from external servers). */
  readonly threadPlacement?: string;
}

export class TrialFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
  }
}

export interface LaunchOptions {
  readonly argv: readonly string[];
  readonly osKnobs?: OsKnobLaunch;
  readonly readyTimeoutMs: number;
  /** Parses the ready line; the embedded server prints `ready {json}`. Undefined = not a ready line. */
  readonly parseReady?: (line: string) => ReadyInfo | undefined;
  /** External servers print no ready line: poll this URL until it answers 2xx, then the target is this. */
  readonly pollUrl?: { readonly url: string; readonly target: ReadyInfo };
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

const STDERR_TAIL_CHARS = 4_000;

/** `ready {"http":...,"grpc":...,"models":[...],"startupMs":N}` */
export function parseReadyLine(line: string): ReadyInfo | undefined {
  if (!line.startsWith('ready ')) return undefined;
  try {
    const value = JSON.parse(line.slice(6)) as ReadyInfo;
    return typeof value.http === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Dies with its parent: a runner killed with -9 leaves no server behind (util-linux setpriv). */
function withParentDeathSignal(argv: readonly string[]): readonly string[] {
  return existsSync('/usr/bin/setpriv') ? ['/usr/bin/setpriv', '--pdeathsig', 'KILL', ...argv] : argv;
}

export class ServerProcess {
  /** Undefined for a server servelab did not start (an external target without a launch command). */
  readonly #child: ChildProcess | undefined;
  readonly #osKnobs: OsKnobLaunch | undefined;
  #stderrTail = '';
  #exit: ExitInfo | undefined;
  readonly #exited: Promise<ExitInfo>;
  #stopping = false;

  private constructor(child: ChildProcess | undefined, osKnobs: OsKnobLaunch | undefined) {
    this.#child = child;
    this.#osKnobs = osKnobs;
    if (!child) {
      this.#exited = new Promise(() => undefined); // never observed to exit
      return;
    }
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderrTail = (this.#stderrTail + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    this.#exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.#exit = { code, signal, stderrTail: this.#stderrTail };
        resolve(this.#exit);
      });
      child.on('error', (error) => {
        this.#exit = { code: null, signal: null, stderrTail: `${this.#stderrTail}\n${error.message}` };
        resolve(this.#exit);
      });
    });
  }

  get pid(): number {
    return this.#child?.pid ?? -1;
  }

  get exitInfo(): ExitInfo | undefined {
    return this.#exit;
  }

  get exited(): Promise<ExitInfo> {
    return this.#exited;
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  /** A server that runs on its own (external target without launch): nothing to watch, start or stop. */
  static remote(): ServerProcess {
    return new ServerProcess(undefined, undefined);
  }

  /** Starts the process and waits for its ready line; throws TrialFailure (and cleans up) when it never comes. */
  static async launch(options: LaunchOptions): Promise<{ server: ServerProcess; ready: ReadyInfo }> {
    const argv = withParentDeathSignal(options.osKnobs?.argv ?? options.argv);
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so stop() reaches anything a launch command started besides the server.
      detached: true,
      env: options.env ?? process.env,
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    const server = new ServerProcess(child, options.osKnobs);
    const parse = options.parseReady ?? parseReadyLine;
    let timer: NodeJS.Timeout | undefined;
    try {
      const ready = await new Promise<ReadyInfo>((resolve, reject) => {
        let buffer = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          buffer += chunk.toString();
          let newline: number;
          while ((newline = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, newline).trim();
            buffer = buffer.slice(newline + 1);
            const info = parse(line);
            if (info) resolve(info);
          }
        });
        if (options.pollUrl) void pollUntilReady(options.pollUrl.url, () => server.#exit !== undefined).then((startupMs) => resolve({ ...options.pollUrl!.target, startupMs }));
        timer = setTimeout(() => reject(new TrialFailure('not-ready', `the server printed no ready line within ${options.readyTimeoutMs} ms`)), options.readyTimeoutMs);
        void server.#exited.then((exit) => reject(server.failureFromExit(exit, 'before it was ready')));
      });
      return { server, ready };
    } catch (error) {
      await server.stop();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  #signalGroup(signal: NodeJS.Signals): void {
    const pid = this.#child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is gone already
    }
  }

  /** Why the process ended: out of memory under the memory knob, or a crash with its exit status and stderr. */
  failureFromExit(exit: ExitInfo, when: string): TrialFailure {
    const status = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    const detail = lastLines(exit.stderrTail, 3);
    if (this.#osKnobs?.outOfMemory(exit)) {
      return new TrialFailure('out-of-memory', `the server ran out of memory ${when} under the memory limit (${status})${detail ? `: ${detail}` : ''}`);
    }
    return new TrialFailure('crash', `the server ${status} ${when}${detail ? `: ${detail}` : ''}`);
  }

  /** SIGTERM, then SIGKILL after graceMs; always releases the OS knobs (cgroups, cpufreq). */
  async stop(graceMs = 5_000): Promise<ExitInfo> {
    this.#stopping = true;
    if (!this.#child) return { code: null, signal: null, stderrTail: '' };
    if (!this.#exit) {
      this.#signalGroup('SIGTERM');
      const killer = setTimeout(() => this.#signalGroup('SIGKILL'), graceMs);
      await this.#exited;
      clearTimeout(killer);
    }
    this.#signalGroup('SIGKILL'); // leftovers of the group, if any
    await this.#osKnobs?.release();
    return this.#exit!;
  }
}

/** Polls a URL until it answers 2xx (resolves with the time it took) or the process has exited. */
async function pollUntilReady(url: string, gone: () => boolean): Promise<number> {
  const startedMs = performance.now();
  while (!gone()) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return performance.now() - startedMs;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return new Promise(() => undefined); // the exit handler reports the failure
}

function lastLines(text: string, count: number): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('at '))
    .slice(-count)
    .join(' | ')
    .slice(0, 600);
}
