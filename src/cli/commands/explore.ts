import type { Command } from 'commander';
import { explore } from '../../run/runner.js';
import { loadGeneratorDriver } from '../../run/load-adapter.js';

interface ExploreCliOptions {
  db?: string;
  quiet?: boolean;
  readyTimeout?: string;
}

export function registerExplore(program: Command): void {
  program
    .command('explore')
    .description('Run a study: measure each configuration the sampler proposes on a fresh server, store every trial (resumable).')
    .argument('<study>', 'study file (YAML)')
    .option('--db <file>', 'results database (SQLite); an existing one resumes the study', 'study.db')
    .option('--quiet', 'no progress bar or per-trial lines')
    .action(async (studyPath: string, options: ExploreCliOptions) => {
      const summary = await explore({ studyPath, dbPath: options.db ?? 'study.db', driver: loadGeneratorDriver, quiet: options.quiet ?? false });
      if (!options.quiet) {
        console.log(
          `study ${summary.studyId}: ${summary.completed} completed, ${summary.failed} failed of ${summary.planned} planned ` +
            `(${summary.ranNow} run now, ${(summary.durationMs / 1000).toFixed(1)} s); results in ${options.db ?? 'study.db'}`,
        );
      }
    });
}
