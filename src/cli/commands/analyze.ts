import type { Command } from 'commander';
import { extname } from 'node:path';
import { ServelabError } from '../../core/errors.js';
import type { TrialRow } from '../../core/trial.js';
import { isPostgresLocation, readStudyRows } from '../../store/async-store.js';
import { analyzeTrials, parseObjectives, readCsvTrialRows, summaryText } from '../../analysis/index.js';
import { modelPropertiesOf } from '../../analysis/explanations.js';
import type { ModelCard } from '../../core/model-card.js';
import { getModelCard } from '../../zoo/models/registry.js';
import { emitJson } from '../output.js';

const DATABASE_EXTENSIONS = new Set(['.db', '.sqlite', '.sqlite3']);

interface AnalyzeCliOptions {
  objectives?: string;
  json?: string;
  seed: string;
  alpha: string;
  maxCv: string;
  prediction: boolean;
  study?: string;
  byMachine?: boolean;
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('Pareto fronts, what drives each metric, transfer across environments, prediction models and ranked findings for a study (a study database or a CSV of trial rows)')
    .argument('<source>', 'study database (.db), postgres:// store, or CSV with columns trial, knob.<name>, ctx.model, ctx.workload, ctx.load, metric.<name>')
    .option('--objectives <list>', 'objectives as METRIC:min|max, comma-separated (default: p99_ms:min,energy_j_per_inf:min when measured)')
    .option('--json <path>', 'also write the full analysis result as JSON to this file')
    .option('--seed <n>', 'seed for bootstrap resampling and model sampling', '1')
    .option('--alpha <p>', 'significance level of every test', '0.05')
    .option('--max-cv <fraction>', 'configurations whose repetitions vary more than this (coefficient of variation) are excluded as unstable', '0.5')
    .option('--study <name>', 'the study to analyze when the database holds several')
    .option('--no-prediction', 'skip the prediction models')
    .option('--by-machine', 'distributed studies: make the machine that ran each trial part of its environment, so different machines are compared only with themselves')
    .action(async (source: string, options: AnalyzeCliOptions) => {
      const rows = await loadTrialRows(source, options.study);
      const result = analyzeTrials(rows, {
        ...(options.objectives !== undefined ? { objectives: parseObjectives(options.objectives) } : {}),
        seed: parseNumberOption('--seed', options.seed, (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer'),
        alpha: parseNumberOption('--alpha', options.alpha, (n) => n > 0 && n < 1, 'a number between 0 and 1'),
        maxCv: parseNumberOption('--max-cv', options.maxCv, (n) => n > 0, 'a positive number'),
        skipPrediction: !options.prediction,
        byMachine: options.byMachine ?? false,
        models: modelPropertiesOf(await zooModelCards(rows)),
      });
      process.stdout.write(summaryText(result));
      if (options.json) {
        emitJson(result, options.json);
        process.stdout.write(`\nFull result written to ${options.json}\n`);
      }
    });
}

async function loadTrialRows(source: string, study: string | undefined): Promise<TrialRow[]> {
  const extension = extname(source).toLowerCase();
  if (extension === '.csv') {
    if (study !== undefined) throw new ServelabError('--study applies to study databases; a CSV holds one study');
    return readCsvTrialRows(source);
  }
  if (DATABASE_EXTENSIONS.has(extension) || isPostgresLocation(source)) return readStudyRows(source, study);
  throw new ServelabError(`cannot tell the format of analysis source '${source}'; expected a study database (.db, .sqlite), a postgres:// store or a CSV (.csv)`);
}

function parseNumberOption(flag: string, raw: string, valid: (n: number) => boolean, expected: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || !valid(value)) throw new ServelabError(`${flag} must be ${expected}, got '${raw}'`);
  return value;
}

/** The zoo's cards of the studied models it knows (models from elsewhere have none). */
async function zooModelCards(rows: readonly TrialRow[]): Promise<ModelCard[]> {
  const names = [...new Set(rows.map((row) => row.context.model))];
  const cards = await Promise.all(names.map((name) => getModelCard(name).catch(() => undefined)));
  return cards.filter((card) => card !== undefined);
}
