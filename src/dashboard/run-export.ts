/** Runs one export in its own worker thread and returns the file's bytes; one export at a time. */
import { startWorker } from '../core/worker.js';
import { ServelabError } from '../core/errors.js';
import type { ExportName } from './study-exports.js';
import type { ExportWorkerData, FromExportWorker } from './export-worker.js';

const WORKER_URL = new URL(`./export-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

let queue: Promise<unknown> = Promise.resolve();

export function runExport(location: string, studyId: string, name: ExportName): Promise<Buffer> {
  const next = queue.then(() => exportInWorker({ location, studyId, name }));
  queue = next.catch(() => undefined);
  return next;
}

function exportInWorker(data: ExportWorkerData): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(WORKER_URL, { workerData: data });
    let settled = false;
    worker.once('message', (message: FromExportWorker) => {
      settled = true;
      if (message.ok) resolve(Buffer.from(message.body.buffer, message.body.byteOffset, message.body.byteLength));
      else reject(message.userError ? new ServelabError(message.message) : new Error(message.message));
      void worker.terminate();
    });
    worker.once('error', (error) => {
      if (!settled) reject(error);
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the export of ${data.name} stopped (worker exit code ${code})`));
      settled = true;
    });
  });
}
