/**
 * Assembles a ReportInput from what the user points `servelab report` at: a study database (the normal case)
 * or an analysis-format CSV of trial rows. The analysis is computed here unless a saved analysis JSON is given.
 */
import { existsSync, readFileSync } from 'node:fs';
import { analyzeTrials } from '../analysis/analyze.js';
import { readCsvTrialRows } from '../analysis/source/csv-rows.js';
import type { AnalysisResult, Objective } from '../analysis/types.js';
import { ServelabError, errorMessage } from '../core/errors.js';
import type { ModelCard } from '../core/model-card.js';
import type { DesignSpace, KnobDomain } from '../core/space.js';
import type { TrialRow } from '../core/trial.js';
import { parseStudy, type Study } from '../plan/study-schema.js';
import { requireStudy } from '../store/export.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { modelCards, workloadSummaries } from './cards.js';
import type { ReportInput, StudySummary } from './input.js';
import { machineSummary, unknownMachine } from './machine-summary.js';
import { loadSummaries, studySummary, withOfferedRates } from './study-summary.js';

export interface ReportSourceOptions {
  /** Which study of a database holding several. */
  readonly studyId?: string;
  /** A saved `servelab analyze --json` result to use instead of analysing again. */
  readonly analysisPath?: string;
  /** Commands printed in "How to reproduce"; defaults to explore + report on the same database. */
  readonly reproduceCommands?: readonly string[];
  readonly modelCard?: (name: string) => ModelCard | undefined;
}

export function loadReportInput(path: string, options: ReportSourceOptions = {}): ReportInput {
  if (!existsSync(path)) throw new ServelabError(`no such file: ${path} (expected a study database or an analysis-format CSV)`, 'not-found');
  if (/\.csv$/i.test(path)) return fromCsv(path, options);
  if (/\.json$/i.test(path)) {
    throw new ServelabError(
      `${path}: a JSON file holds no trial rows to report on; give the study database (or its CSV export) and pass the analysis JSON with --analysis ${path}`,
    );
  }
  return fromDatabase(path, options);
}

function fromDatabase(path: string, options: ReportSourceOptions): ReportInput {
  let store;
  try {
    store = openSqliteStore(path, { mustExist: true });
  } catch (error) {
    throw new ServelabError(`${path} is not a servelab study database: ${errorMessage(error)}`, 'invalid-input', { cause: error });
  }
  try {
    const record = requireStudy(store, options.studyId);
    const rows = store.trialRows(record.studyId);
    requireRows(rows, path);
    const study = record.sourceText ? parseStudy(record.sourceText, `${path} (stored study)`) : undefined;
    const environments = store.environments(record.studyId);
    const loads = study ? loadSummaries(study) : loadsFromRows(rows);
    const analysis = options.analysisPath ? readAnalysis(options.analysisPath) : analyzeTrials(rows, analysisOptions(study, record.seed));
    const models = study?.models ?? unique(rows.map((row) => row.context.model));
    const workloads = study?.workloads ?? unique(rows.map((row) => row.context.workload));
    return {
      study: study ? studySummary(study, record.createdAt ? { startedAt: record.createdAt } : {}) : summaryFromRows(record.studyId, rows, analysis, record.seed),
      machine: machineSummary(environments[environments.length - 1], study?.energy.powerModel),
      models: modelCards(models, options.modelCard),
      workloads: workloadSummaries(workloads, modelsByWorkload(rows)),
      loads,
      capacities: withOfferedRates(store.capacities(record.studyId), loads),
      rows,
      analysis,
      reproduce: {
        ...(record.sourceText ? { studyFile: 'study.yaml', studyYaml: record.sourceText } : {}),
        commands: options.reproduceCommands ?? [
          '# save the study file below as study.yaml, then:',
          'npx servelab explore study.yaml --db study.db',
          'npx servelab report study.db -o report.ipynb --html report.html',
        ],
        seed: record.seed,
      },
    };
  } finally {
    store.close();
  }
}

function fromCsv(path: string, options: ReportSourceOptions): ReportInput {
  const rows = readCsvTrialRows(path);
  requireRows(rows, path);
  const analysis = options.analysisPath ? readAnalysis(options.analysisPath) : analyzeTrials(rows);
  const loads = loadsFromRows(rows);
  return {
    study: summaryFromRows(path.replace(/^.*\//, '').replace(/\.csv$/i, ''), rows, analysis, analysis.settings.seed),
    machine: unknownMachine('a CSV of trial rows does not record the machine'),
    models: modelCards(unique(rows.map((row) => row.context.model)), options.modelCard),
    workloads: workloadSummaries(unique(rows.map((row) => row.context.workload)), modelsByWorkload(rows)),
    loads,
    capacities: [],
    rows,
    analysis,
    reproduce: { commands: options.reproduceCommands ?? [`npx servelab report ${path} -o report.ipynb --html report.html`], seed: analysis.settings.seed },
  };
}

function requireRows(rows: readonly TrialRow[], path: string): void {
  if (rows.length === 0) throw new ServelabError(`${path} holds no trial rows yet: run \`servelab explore\` first`, 'not-found');
  if (!rows.some((row) => row.state === 'completed' && row.valid)) {
    throw new ServelabError(`${path} holds no completed, valid trial to report on (${rows.length} rows, none valid)`, 'invalid-input');
  }
}

function analysisOptions(study: Study | undefined, seed: number): { objectives?: readonly Objective[]; seed: number } {
  return study ? { objectives: study.objectives, seed } : { seed };
}

function readAnalysis(path: string): AnalysisResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ServelabError(`cannot read the analysis ${path}: ${errorMessage(error)}`, 'invalid-input');
  }
  const missing = ['objectives', 'environments', 'pareto', 'effects', 'transfer', 'prediction', 'findings', 'excluded', 'paretoMembership', 'settings'].filter(
    (key) => parsed === null || typeof parsed !== 'object' || !(key in parsed),
  );
  if (missing.length > 0) throw new ServelabError(`${path} is not a servelab analysis (\`servelab analyze --json\`): missing ${missing.join(', ')}`);
  return parsed as AnalysisResult;
}

function summaryFromRows(name: string, rows: readonly TrialRow[], analysis: AnalysisResult, seed: number): StudySummary {
  const space: DesignSpace = {
    knobs: analysis.knobs.map((knob): KnobDomain => ({ name: knob.name, kind: knob.kind, levels: knob.levels })),
  };
  const repetitions = Math.max(1, ...rows.map((row) => row.repetition + 1));
  return {
    name,
    question: `How do ${space.knobs.map((knob) => knob.name).join(', ')} change ${analysis.objectives.map((objective) => objective.metric).join(' and ')}, and does the best configuration carry over between models, workloads and loads?`,
    space,
    sampler: { name: 'unknown (not recorded in the source)' },
    repetitions,
    seed,
    target: 'serving target (not recorded in the source)',
  };
}

function loadsFromRows(rows: readonly TrialRow[]): ReportInput['loads'] {
  return unique(rows.map((row) => row.context.load)).map((name) => ({ name, pattern: 'not recorded', description: 'Load level as labelled in the trial rows.' }));
}

function modelsByWorkload(rows: readonly TrialRow[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const row of rows) {
    const models = map.get(row.context.workload) ?? [];
    if (!models.includes(row.context.model)) models.push(row.context.model);
    map.set(row.context.workload, models);
  }
  return map;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
