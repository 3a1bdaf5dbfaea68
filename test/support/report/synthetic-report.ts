/** Writes the synthetic study's report (notebook, HTML, exports) into a fresh temporary folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport, type WrittenReport } from '../../../src/report/write.js';
import { syntheticReportInput } from './fixtures/synthetic-input.js';

export const FIXED_TIME = '2026-01-01T00:00:00.000Z';

export async function writeSyntheticReport(): Promise<{ written: WrittenReport; directory: string; remove(): void }> {
  const directory = mkdtempSync(join(tmpdir(), 'servelab-report-'));
  const written = await writeReport(syntheticReportInput(), {
    notebookPath: join(directory, 'report.ipynb'),
    htmlPath: join(directory, 'report.html'),
    generatedAt: FIXED_TIME,
  });
  return { written, directory, remove: () => rmSync(directory, { recursive: true, force: true }) };
}
