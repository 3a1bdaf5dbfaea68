import type { Command } from 'commander';
import { exportStudy } from '../../store/export.js';

interface ExportCliOptions {
  csv?: string;
  json?: string;
  study?: string;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('Write a study database as CSV (analysis format: knob.*, ctx.*, metric.* columns) and/or JSON.')
    .argument('<db>', 'results database written by servelab explore')
    .option('--csv <file>', 'CSV output')
    .option('--json <file>', 'JSON output (rows plus study, environment, capacities and energy meter labels)')
    .option('--study <name>', 'which study, when the database holds several')
    .action((dbPath: string, options: ExportCliOptions) => {
      const result = exportStudy(dbPath, {
        ...(options.csv ? { csvPath: options.csv } : {}),
        ...(options.json ? { jsonPath: options.json } : {}),
        ...(options.study ? { studyId: options.study } : {}),
      });
      const outputs = [options.csv, options.json].filter(Boolean).join(' and ');
      console.error(`exported ${result.rows} trials of study ${result.study} to ${outputs}`);
    });
}
