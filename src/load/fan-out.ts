/**
 * Spreads one run over several generator processes (one event loop each), then merges their histograms
 * and counters. Every process derives the same schedule from the seed and takes every N-th arrival.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ServelabError } from '../core/errors.js';
import type { LocalRun, ResolvedPlan } from './execute.js';
import type { FromWorker, ToWorker } from './fan-out-messages.js';
import { LoadRecorder } from './recorder.js';

const WORKER_URL = new URL(`./fan-out-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
/** Lead time between "all ready" and the common start, so every process starts on the same schedule. */
const START_LEAD_MS = 300;

export async function fanOut(plan: ResolvedPlan, processes: number): Promise<{ recorder: LoadRecorder; usage: LocalRun['usage'][] }> {
  const execArgv = WORKER_URL.pathname.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const children = Array.from({ length: processes }, () => fork(fileURLToPath(WORKER_URL), [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  try {
    children.forEach((child, index) => {
      const init: ToWorker = { type: 'init', plan, share: { index, count: processes }, sampleSeed: plan.seed + index };
      child.send(init);
    });
    await Promise.all(children.map((child, index) => expect(child, index, 'ready', 120_000)));
    const start: ToWorker = { type: 'start', startEpochMs: Date.now() + START_LEAD_MS };
    const done = children.map((child, index) => expect(child, index, 'done', START_LEAD_MS + plan.warmupMs + plan.durationMs + plan.timeoutMs + 30_000));
    for (const child of children) child.send(start);
    const results = (await Promise.all(done)) as Extract<FromWorker, { type: 'done' }>[];
    const recorder = LoadRecorder.fromJSON(results[0]!.recorder);
    for (const result of results.slice(1)) recorder.merge(LoadRecorder.fromJSON(result.recorder));
    return { recorder, usage: results.map((result) => result.usage) };
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill();
  }
}

function expect(child: ChildProcess, index: number, type: 'ready' | 'done', timeoutMs: number): Promise<FromWorker> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: FromWorker): void => {
      if (message.type === 'error') {
        cleanup();
        reject(new ServelabError(`generator process ${index + 1}: ${message.message}`, message.code ?? 'internal'));
      } else if (message.type === type) {
        cleanup();
        resolve(message);
      }
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new ServelabError(`generator process ${index + 1} exited (code ${code}) before it was ${type}`, 'internal'));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new ServelabError(`generator process ${index + 1} was not ${type} within ${Math.round(timeoutMs / 1000)} s`, 'internal'));
    }, timeoutMs);
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}
