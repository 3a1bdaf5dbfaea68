import type { Command } from 'commander';
import { resolve } from 'node:path';
import { ServelabError } from '../../core/errors.js';
import { loadReportInput } from '../../report/source.js';
import { writeReport } from '../../report/write.js';

interface ReportCliOptions {
  output: string;
  html?: string;
  study?: string;
  analysis?: string;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('Write the study report: a Jupyter notebook with embedded figures (and optionally a self-contained interactive HTML page), plus the data it reloads')
    .argument('<source>', 'study database (.db), or a CSV of trial rows in the analysis format')
    .requiredOption('-o, --output <report.ipynb>', 'the notebook to write; the exported CSV/JSON are written beside it')
    .option('--html <report.html>', 'also write the report as one self-contained HTML page with interactive figures')
    .option('--study <names>', 'which study (or comma-separated studies) of a database holding several; default: all of them, as one report')
    .option('--analysis <analysis.json>', 'use a saved `servelab analyze --json` result instead of analysing again')
    .action(async (source: string, options: ReportCliOptions) => {
      if (!options.output.endsWith('.ipynb')) throw new ServelabError(`--output must name a .ipynb file, got ${options.output}`);
      const input = await loadReportInput(source, {
        ...(options.study ? { studyIds: options.study.split(',').map((name) => name.trim()).filter(Boolean) } : {}),
        ...(options.analysis ? { analysisPath: options.analysis } : {}),
      });
      const written = await writeReport(input, { notebookPath: options.output, ...(options.html ? { htmlPath: options.html } : {}) });
      console.log(`notebook: ${resolve(written.notebookPath)} (${written.sections} sections, ${written.figures} figures)`);
      if (written.htmlPath) console.log(`html:     ${resolve(written.htmlPath)}`);
      console.log(`data:     ${resolve(written.trialsCsvPath)}, ${resolve(written.analysisJsonPath)}`);
    });
}
