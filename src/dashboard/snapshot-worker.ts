/** Worker-thread entry: keeps one part of the study's live view current and posts it to the HTTP thread. */
import { parentPort, workerData } from 'node:worker_threads';
import { systemClock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import { LiveStudy } from './live-study.js';
import type { FromSnapshotWorker, SnapshotWorkerData } from './snapshot-messages.js';
import { openStoreReader } from './store-reader.js';

const data = workerData as SnapshotWorkerData;
const post = (message: FromSnapshotWorker): void => parentPort!.postMessage(message);

let reader;
try {
  reader = await openStoreReader(data.location);
} catch (error) {
  if (data.role === 'table') post({ type: 'store-error', message: errorMessage(error) });
  throw error;
}
const live = new LiveStudy({ role: data.role, reader, studyId: data.studyId, seed: data.seed, info: data.info, clock: systemClock, pollIntervalMs: data.pollIntervalMs, post });
parentPort!.on('message', (message: { type: 'stop' }) => {
  if (message.type === 'stop') live.stop();
});
try {
  await live.run();
} finally {
  await reader.close();
}
