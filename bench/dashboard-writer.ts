/**
 * bench:dashboard's writer thread: completes the trials it is sent, one at a time, as explore would from
 * another process, so the writes' CPU does not count against the dashboard's HTTP thread in the measurement.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import type { PlannedTrial } from '../src/store/types.js';
import { finishSyntheticTrial } from '../test/support/dashboard/synthetic-store.js';

const store = openSqliteStore((workerData as { storePath: string }).storePath);
parentPort!.on('message', (message: { trial: PlannedTrial; index: number } | null) => {
  if (message === null) {
    store.close();
    parentPort!.close();
    return;
  }
  finishSyntheticTrial(store, message.trial, message.index);
  parentPort!.postMessage('committed');
});
