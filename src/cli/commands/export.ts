import type { Command } from 'commander';
import { exportStudy } from '../../store/export.js';

interface ExportCliOptions {
  csv?: string;
  summaryCsv?: string;
  json?: string;
  sqlite?: string;
  study?: string;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('Write a study as CSV (analysis format: knob.*, ctx.*, metric.* columns), JSON, and/or a copy in an SQLite file.')
    .argument('<store>', 'results store written by servelab explore: an SQLite file or a postgres:// URL')
    .option('--csv <file>', 'CSV output')
    .option('--summary-csv <file>', "each configuration's mean per context with its 95% interval over the valid repetitions")
    .option('--json <file>', 'JSON output (rows plus study, environment, capacities and energy meter labels)')
    .option('--sqlite <file>', 'copy the study with every measurement into an SQLite file (e.g. from a PostgreSQL store)')
    .option('--study <name>', 'which study, when the database holds several')
    .action(async (location: string, options: ExportCliOptions) => {
      const result = await exportStudy(location, {
        ...(options.csv ? { csvPath: options.csv } : {}),
        ...(options.json ? { jsonPath: options.json } : {}),
        ...(options.summaryCsv ? { summaryCsvPath: options.summaryCsv } : {}),
        ...(options.sqlite ? { sqlitePath: options.sqlite } : {}),
        ...(options.study ? { studyId: options.study } : {}),
      });
      const outputs = [options.csv, options.summaryCsv, options.json, options.sqlite].filter(Boolean).join(' and ');
      console.error(`exported ${result.rows} trials of study ${result.study} to ${outputs}`);
    });
}
