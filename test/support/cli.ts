/**
 * Runs the servelab CLI as a user would (bin/servelab.js in a child process): to completion with what it printed
 * (`servelab`, `runServelab`), or started and followed while it runs (`startServelab`: its lines as they come,
 * signals, its exit).
 */
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

export const SERVELAB_BIN = fileURLToPath(new URL('../../bin/servelab.js', import.meta.url));

export interface CliOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Kills the process (SIGKILL) after this long; a bound that only catches a hang. */
  readonly timeoutMs?: number;
}

export interface CliResult {
  /** The exit status; null when a signal ended the process. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI to completion. */
export function runServelab(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [SERVELAB_BIN, ...args],
      {
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
        killSignal: 'SIGKILL',
        ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        ...(options.env === undefined ? {} : { env: options.env }),
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, signal: error?.signal ?? null, stdout, stderr });
      },
    );
  });
}

export async function servelab(...args: string[]): Promise<CliResult> {
  return runServelab(args);
}

export interface StartOptions extends Omit<CliOptions, 'timeoutMs'> {
  /** Its own process group, so a test can signal the CLI and everything it started (`process.kill(-pid, ...)`). */
  readonly detached?: boolean;
  /** A command the CLI runs under, e.g. `['ip', 'netns', 'exec', namespace]` (it must exec the CLI, keeping its pid). */
  readonly wrapper?: readonly string[];
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RunningServelab {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly pid: number;
  /** Settles when the process has exited. */
  readonly exited: Promise<Exit>;
  /** What it printed so far. */
  output(): { stdout: string; stderr: string };
  /**
   * The first whole line of stdout (or stderr) that matches, printed already or still to come; rejects when the
   * process exits first, or after timeoutMs (a bound that only catches a hang).
   */
  waitForLine(match: RegExp, options?: { readonly stream?: 'stdout' | 'stderr'; readonly timeoutMs?: number }): Promise<string>;
  /** Sends the signal (SIGKILL by default) unless it has exited, and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

/** Starts the CLI and follows it: for a long-lived command (serve, dashboard, explore) a test signals or kills. */
export function startServelab(args: readonly string[], options: StartOptions = {}): RunningServelab {
  const [command, ...commandArgs] = [...(options.wrapper ?? []), process.execPath, SERVELAB_BIN, ...args];
  const child = spawn(command!, commandArgs, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.detached ? { detached: true } : {}),
  });
  const text = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (text.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text.stderr += chunk.toString()));
  let exit: Exit | undefined;
  // 'close' rather than 'exit': every byte it printed has been read by then.
  const exited = new Promise<Exit>((resolve) => child.once('close', (code, signal) => resolve((exit = { code, signal }))));

  const waitForLine: RunningServelab['waitForLine'] = (match, { stream = 'stdout', timeoutMs = 120_000 } = {}) =>
    new Promise((resolve, reject) => {
      const source = child[stream];
      const found = (): string | undefined => text[stream].split('\n').slice(0, -1).find((line) => match.test(line));
      const settle = (outcome: () => void): void => {
        clearTimeout(timer);
        source.off('data', onData);
        outcome();
      };
      const onData = (): void => {
        const line = found();
        if (line !== undefined) settle(() => resolve(line));
      };
      const timer = setTimeout(() => settle(() => reject(new Error(`no ${stream} line matched ${match} within ${timeoutMs} ms: ${JSON.stringify(text)}`))), timeoutMs);
      // Listeners run in order: this one after the one that appends the chunk.
      source.on('data', onData);
      void exited.then((end) => {
        const line = found();
        settle(() => (line !== undefined ? resolve(line) : reject(new Error(`servelab exited (${end.signal ?? end.code}) before printing a line matching ${match}: ${JSON.stringify(text)}`))));
      });
      onData();
    });

  return {
    child,
    pid: child.pid!,
    exited,
    output: () => ({ ...text }),
    waitForLine,
    stop: async (signal = 'SIGKILL') => {
      if (exit === undefined && child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
