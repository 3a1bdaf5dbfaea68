import type { Command } from 'commander';
import { loadStudy } from '../../plan/study-schema.js';
import { explore } from '../../run/runner.js';
import { formatStudyTimePlan, planStudyTime } from '../../run/study-time-plan.js';
import { ServelabError } from '../../core/errors.js';
import { FAILURE_KINDS } from '../../core/trial.js';
import { parseFailureKinds } from '../../run/retry-failed.js';
import { coordinateStudy } from '../../distributed/coordinator.js';
import { openResultsStore } from '../../store/async-store.js';

interface ExploreCliOptions {
  db?: string;
  distributed?: boolean;
  queue?: string;
  store?: string;
  parallelism?: string;
  quiet?: boolean;
  dryRun?: boolean;
  retryFailed?: string | true;
}

export function registerExplore(program: Command): void {
  program
    .command('explore')
    .description('Run a study: measure each configuration the sampler proposes on a fresh server, store every trial (resumable).')
    .argument('<study>', 'study file (YAML)')
    .option('--db <file>', 'results database (SQLite); an existing one resumes the study', 'study.db')
    .option('--quiet', 'no progress bar or per-trial lines')
    .option('--dry-run', 'check the study and print its trials, planned durations and estimated time; run nothing')
    .option('--retry-failed [kinds]', `run failed trials again: every kind, or those listed (${FAILURE_KINDS.join(', ')}), comma-separated; earlier attempts stay recorded`)
    .option('--distributed', 'enqueue the trials for `servelab worker` processes on other machines (needs --queue and --store)')
    .option('--queue <url>', 'with --distributed: the Redis queue, e.g. redis://10.0.0.5:6379')
    .option('--store <url>', 'with --distributed: the shared store, postgres://… (or an SQLite file every worker can reach)')
    .option('--parallelism <n>', 'with --distributed: configurations in flight at once (at least the number of workers)', '4')
    .action(async (studyPath: string, options: ExploreCliOptions) => {
      if (options.dryRun) {
        const study = await loadStudy(studyPath);
        for (const line of formatStudyTimePlan(study, planStudyTime(study))) console.log(line);
        return;
      }
      const kinds = options.retryFailed === undefined ? undefined : parseFailureKinds(options.retryFailed);
      if (options.distributed) {
        if (options.retryFailed !== undefined) {
          throw new ServelabError('--retry-failed runs failed trials again on this machine; it does not combine with --distributed (the queue would not hand out finished units again)', 'unsupported');
        }
        await exploreDistributed(studyPath, options);
        return;
      }
      const summary = await explore({
        studyPath,
        dbPath: options.db ?? 'study.db',
        quiet: options.quiet ?? false,
        ...(options.retryFailed === undefined ? {} : { retryFailed: kinds ? { kinds } : {} }),
      });
      if (!options.quiet) {
        console.log(
          `study ${summary.studyId}: ${summary.completed} completed, ${summary.failed} failed of ${summary.planned} planned ` +
            `(${summary.ranNow} run now${options.retryFailed === undefined ? '' : `, ${summary.retried} of them retried`}, ${(summary.durationMs / 1000).toFixed(1)} s); results in ${options.db ?? 'study.db'}`,
        );
      }
    });
}

async function exploreDistributed(studyPath: string, options: ExploreCliOptions): Promise<void> {
  if (!options.queue || !options.store) throw new ServelabError('explore --distributed: give --queue redis://HOST:6379 and --store postgres://…');
  const parallelism = Number(options.parallelism ?? 4);
  if (!Number.isInteger(parallelism) || parallelism < 1) throw new ServelabError(`--parallelism: expected a positive integer, got '${options.parallelism}'`);
  const store = await openResultsStore(options.store);
  try {
    const summary = await coordinateStudy({ studyPath, queueUrl: options.queue, store, parallelism, ...(options.quiet ? { log: () => undefined } : {}) });
    console.log(`study ${summary.studyId}: ${summary.completed} completed, ${summary.failed} failed of ${summary.planned} planned (${(summary.durationMs / 1000).toFixed(1)} s); results in ${options.store}`);
  } finally {
    await store.close();
  }
}
