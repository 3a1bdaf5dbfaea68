import type { Command } from 'commander';
import { ServelabError } from '../../core/errors.js';
import { startStudyWorker } from '../../distributed/worker.js';
import { openResultsStore } from '../../store/async-store.js';

interface WorkerCliOptions {
  queue: string;
  store: string;
  name?: string;
  lockMs?: string;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('Run trials of distributed studies on this machine, one at a time, taken from a Redis queue; results go to the shared store.')
    .requiredOption('--queue <url>', 'the study queue, e.g. redis://10.0.0.5:6379')
    .requiredOption('--store <url>', 'the shared results store, e.g. postgres://user@10.0.0.5/servelab')
    .option('--name <name>', 'worker name recorded with each trial (default: the host name)')
    .option('--lock-ms <ms>', 'job lock duration: a dead worker\'s trial is retried elsewhere once it expires', '30000')
    .action(async (options: WorkerCliOptions) => {
      const lockDurationMs = Number(options.lockMs ?? 30_000);
      if (!Number.isInteger(lockDurationMs) || lockDurationMs < 1000) throw new ServelabError(`--lock-ms: expected an integer of at least 1000, got '${options.lockMs}'`);
      const store = await openResultsStore(options.store);
      const worker = await startStudyWorker({
        queueUrl: options.queue,
        store,
        ...(options.name ? { name: options.name } : {}),
        lockDurationMs,
      });
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      // Finishes the trial in hand before leaving: closing a BullMQ worker waits for its active job.
      await worker.close();
      await store.close();
    });
}
