/**
 * A LoadDriver that runs the load generator in a process of its own, pinned with taskset to the CPUs the
 * layout reserves for it, so the server under test never competes with it for a core. The process lives
 * for the whole study (samples and clients stay warm); a call that is aborted, or a process that dies,
 * ends it and the next call starts a fresh one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ServelabError } from '../core/errors.js';
import { formatCpuList } from '../knobs/cpus.js';
import type { LoadSummary } from '../load/summary.js';
import type { FromGenerator, ToGenerator } from './generator-messages.js';
import type { MixedLoadSummary } from '../load/mixed-load.js';
import type { CapacityRequest, CapacityResult, LoadDriver, LoadRunRequest, MixedRunRequest } from './load-driver.js';

const GENERATOR_NODE_FLAGS = ['--expose-gc'];
const ENTRY_URL = new URL(`./generator-entry${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

interface Pending {
  readonly child: ChildProcess;
  readonly onStarted?: () => void;
  readonly resolve: (message: FromGenerator) => void;
  readonly reject: (error: Error) => void;
}

export class PinnedGenerator implements LoadDriver {
  readonly #cpus: readonly number[];
  #child: ChildProcess | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  constructor(cpus: readonly number[]) {
    if (cpus.length === 0) throw new ServelabError('a pinned generator needs at least one CPU', 'internal');
    this.#cpus = cpus;
  }

  /** The generator process's pid (for tests that read its affinity back), or undefined before the first call. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async run(request: LoadRunRequest): Promise<LoadSummary> {
    const { signal, onStart, ...rest } = request;
    const reply = await this.#call({ id: this.#nextId++, type: 'run', request: rest }, signal, onStart);
    if (reply.type !== 'run-done') throw new ServelabError(`the generator process answered ${reply.type} to a run`, 'internal');
    return reply.summary;
  }

  async runMixed(request: MixedRunRequest): Promise<MixedLoadSummary> {
    const { signal, onStart, ...rest } = request;
    const reply = await this.#call({ id: this.#nextId++, type: 'mixed-run', request: rest }, signal, onStart);
    if (reply.type !== 'mixed-run-done') throw new ServelabError(`the generator process answered ${reply.type} to a mixed run`, 'internal');
    return reply.summary;
  }

  async capacity(request: CapacityRequest): Promise<CapacityResult> {
    const { signal, ...rest } = request;
    const reply = await this.#call({ id: this.#nextId++, type: 'capacity', request: rest }, signal);
    if (reply.type !== 'capacity-done') throw new ServelabError(`the generator process answered ${reply.type} to a capacity search`, 'internal');
    return reply.result;
  }

  async close(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.disconnect?.();
    const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
    await exited;
    clearTimeout(timer);
  }

  #call(message: ToGenerator, signal: AbortSignal | undefined, onStarted?: () => void): Promise<FromGenerator> {
    if (signal?.aborted) return Promise.reject(new ServelabError('the load run was aborted before it started', 'unavailable'));
    const child = this.#ensureChild();
    return new Promise<FromGenerator>((resolve, reject) => {
      const onAbort = (): void => {
        // The load library cannot stop a run half way: end the process, the next call starts a new one.
        this.#kill(child, new ServelabError('the load run was aborted', 'unavailable'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(message.id, {
        child,
        ...(onStarted ? { onStarted } : {}),
        resolve: (reply) => {
          signal?.removeEventListener('abort', onAbort);
          if (reply.type === 'error') reject(new ServelabError(reply.message, reply.code ?? 'internal'));
          else resolve(reply);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      });
      child.send(message);
    });
  }

  #ensureChild(): ChildProcess {
    if (this.#child) return this.#child;
    const entry = fileURLToPath(ENTRY_URL);
    // --expose-gc: the load library collects garbage before each measured schedule starts (run-load.ts), so
    // a full collection of the prepared requests and the workload's data does not stall sends mid-run.
    const execArgv = [...GENERATOR_NODE_FLAGS, ...(entry.endsWith('.ts') ? ['--import', 'tsx'] : [])];
    const child = spawn('taskset', ['-c', formatCpuList(this.#cpus), process.execPath, ...execArgv, entry], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (reply: FromGenerator) => {
      const pending = this.#pending.get(reply.id);
      if (reply.type === 'started') {
        pending?.onStarted?.();
        return;
      }
      this.#pending.delete(reply.id);
      pending?.resolve(reply);
    });
    child.on('exit', (code, signal) => this.#failAll(child, new ServelabError(`the load generator process exited (${signal ?? `code ${code}`})`, 'internal')));
    child.on('error', (error) => this.#failAll(child, new ServelabError(`the load generator process could not start: ${error.message}`, 'internal')));
    this.#child = child;
    return child;
  }

  #kill(child: ChildProcess, reason: Error): void {
    this.#failAll(child, reason);
    child.kill('SIGKILL');
  }

  /** Rejects the calls that were in this process (a later process's calls are not affected by its exit). */
  #failAll(child: ChildProcess, reason: Error): void {
    if (this.#child === child) this.#child = undefined;
    for (const [id, entry] of this.#pending) {
      if (entry.child !== child) continue;
      this.#pending.delete(id);
      entry.reject(reason);
    }
  }
}
