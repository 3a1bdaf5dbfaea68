/**
 * The export buttons: exactly what `servelab export` and `servelab report` write, made from a private SQLite
 * snapshot of the store (an online backup of an SQLite file; a copy of the study from PostgreSQL), so the
 * store is only read and the existing export and report code runs unchanged.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServelabError } from '../core/errors.js';
import { loadReportInput } from '../report/source.js';
import { writeReport } from '../report/write.js';
import { copyStudy, openResultsStore, type AsyncResultsStore } from '../store/async-store.js';
import { exportStudy } from '../store/export.js';
import { isPostgresUrl, openStoreReader, type StoreReader } from './store-reader.js';

export const EXPORTS = {
  'trials.csv': { contentType: 'text/csv; charset=utf-8', command: 'export --csv' },
  'configurations.csv': { contentType: 'text/csv; charset=utf-8', command: 'export --summary-csv' },
  'trials.json': { contentType: 'application/json; charset=utf-8', command: 'export --json' },
  'study.db': { contentType: 'application/vnd.sqlite3', command: 'export --sqlite' },
  'report.html': { contentType: 'text/html; charset=utf-8', command: 'report --html' },
  'report.ipynb': { contentType: 'application/x-ipynb+json', command: 'report -o' },
} as const;

export type ExportName = keyof typeof EXPORTS;

export function isExportName(name: string): name is ExportName {
  return Object.hasOwn(EXPORTS, name);
}

export async function buildExport(location: string, studyId: string, name: ExportName): Promise<Buffer> {
  // tmpfs where there is one: the copy of a PostgreSQL study commits trial by trial.
  const directory = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'servelab-dashboard-export-'));
  try {
    const snapshotPath = join(directory, 'study.db');
    await snapshot(location, studyId, snapshotPath);
    const output = join(directory, name === 'study.db' ? 'export.db' : name);
    switch (name) {
      case 'trials.csv':
        await exportStudy(snapshotPath, { studyId, csvPath: output });
        break;
      case 'configurations.csv':
        await exportStudy(snapshotPath, { studyId, summaryCsvPath: output });
        break;
      case 'trials.json':
        await exportStudy(snapshotPath, { studyId, jsonPath: output });
        break;
      case 'study.db':
        await exportStudy(snapshotPath, { studyId, sqlitePath: output });
        break;
      case 'report.html':
      case 'report.ipynb': {
        const input = await loadReportInput(snapshotPath, { studyId });
        await writeReport(input, { notebookPath: join(directory, 'report.ipynb'), htmlPath: join(directory, 'report.html') });
        break;
      }
    }
    return readFileSync(output);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

async function snapshot(location: string, studyId: string, path: string): Promise<void> {
  if (!isPostgresUrl(location)) {
    const db = new Database(location, { readonly: true, fileMustExist: true });
    try {
      await db.backup(path);
    } finally {
      db.close();
    }
    return;
  }
  const reader = await openStoreReader(location);
  const copy = await openResultsStore(path);
  try {
    await copyStudy(asCopySource(reader), copy, studyId);
  } catch (error) {
    throw new ServelabError(`cannot copy study '${studyId}' from ${reader.location} for the export: ${(error as Error).message}`, 'unavailable', { cause: error });
  } finally {
    await copy.close();
    await reader.close();
  }
}

/** copyStudy reads a source's studies, environments, capacities and trials: the reader has each, read-only. */
function asCopySource(reader: StoreReader): AsyncResultsStore {
  const source: Pick<AsyncResultsStore, 'studies' | 'environments' | 'capacities' | 'trials'> = {
    studies: () => reader.studies(),
    environments: (studyId) => reader.environments(studyId),
    capacities: (studyId) => reader.capacities(studyId),
    trials: (studyId) => reader.trials(studyId),
  };
  return source as AsyncResultsStore;
}
