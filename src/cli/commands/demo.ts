import type { Command } from 'commander';
import { isAbsolute, relative } from 'node:path';
import { runDemo } from '../../demo/run-demo.js';
import { explore } from '../../run/runner.js';

interface DemoCliOptions {
  quick?: boolean;
  out: string;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Run a small complete study on the embedded server (3 models of 3 modalities, 3 knobs, 2 load levels, 2 repetitions; under 10 minutes on 2 cores), then write its database, analysis and report')
    .option('--quick', 'a much smaller study (2 models, 2 knobs, 2 load levels, no repetitions; under 2 minutes), for CI')
    .option('--out <dir>', 'folder for the study files, database, analysis and report', 'servelab-out/demo')
    .action(async (options: DemoCliOptions) => {
      const result = await runDemo({
        quick: options.quick ?? false,
        outDir: options.out,
        explore: async (studyPath, dbPath) => {
          await explore({ studyPath, dbPath });
        },
      });
      const shown = (path: string): string => {
        const inside = relative(process.cwd(), path);
        return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
      };
      const summary = result.analysis;
      console.log(`\ndemo finished in ${(result.durationMs / 1000).toFixed(0)} s: ${summary.excluded.analyzedRows} of ${summary.excluded.totalRows} trial rows analysed, ${summary.findings.length} findings`);
      console.log(`  study files: ${result.studyFiles.map(shown).join(', ')}`);
      console.log(`  database:    ${shown(result.dbPath)}`);
      console.log(`  analysis:    ${shown(result.analysisPath)}`);
      console.log(`  notebook:    ${shown(result.report.notebookPath)} (${result.report.figures} figures)`);
      console.log(`  html:        ${shown(result.report.htmlPath!)}`);
      if (summary.findings[0]) console.log(`  top finding: ${summary.findings[0].text}`);
    });
}
