/** Worker-thread entry for one export: the report's analysis and figures take seconds, never on the HTTP thread. */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage, isServelabError } from '../core/errors.js';
import { buildExport, type ExportName } from './study-exports.js';

export interface ExportWorkerData {
  readonly location: string;
  readonly studyId: string;
  readonly name: ExportName;
}

export type FromExportWorker = { readonly ok: true; readonly body: Uint8Array } | { readonly ok: false; readonly message: string; readonly userError: boolean };

const data = workerData as ExportWorkerData;
try {
  const body = await buildExport(data.location, data.studyId, data.name);
  const copy = new Uint8Array(body);
  parentPort!.postMessage({ ok: true, body: copy } satisfies FromExportWorker, [copy.buffer]);
} catch (error) {
  parentPort!.postMessage({ ok: false, message: errorMessage(error), userError: isServelabError(error) } satisfies FromExportWorker);
}
