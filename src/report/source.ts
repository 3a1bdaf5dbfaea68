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
import { isPostgresLocation, openResultsStore, requireStudy, type AsyncResultsStore } from '../store/async-store.js';
import { earlierAttempts } from '../store/status.js';
import type { EnvironmentRecord, StoredTrial } from '../store/types.js';
import { getModelCard } from '../zoo/models/registry.js';
import { modelPropertiesOf } from '../analysis/explanations.js';
import { modelCards, workloadSummaries } from './cards.js';
import type { ReportInput, StudySummary, ThreadPlacementCount, WorkerMachine } from './input.js';
import { machineSummary, unknownMachine } from './machine-summary.js';
import { loadSummaries, studySummary, withOfferedRates } from './study-summary.js';

export interface ReportSourceOptions {
  /** Which study of a database holding several. */
  readonly studyId?: string;
  /**
   * Several studies of one database reported as one (e.g. one study per model and workload, because a study
   * pairs every model with every workload); they should share knobs, loads and sampler.
   */
  readonly studyIds?: readonly string[];
  /** Name and description of the combined report, with studyIds. */
  readonly title?: string;
  readonly description?: string;
  /** A saved `servelab analyze --json` result to use instead of analysing again. */
  readonly analysisPath?: string;
  /** Commands printed in "How to reproduce"; defaults to explore + report on the same database. */
  readonly reproduceCommands?: readonly string[];
  readonly modelCard?: (name: string) => ModelCard | undefined;
  /** Rows to report instead of the stored ones (the demo passes those of its parts). */
  readonly rows?: readonly TrialRow[];
}

export async function loadReportInput(path: string, options: ReportSourceOptions = {}): Promise<ReportInput> {
  return readSource(path, options);
}

/** Each model's card from the zoo (or options.modelCard); where there is none, a card that says what is unknown. */
async function cardsFor(names: readonly string[], options: ReportSourceOptions): Promise<ModelCard[]> {
  const found = await Promise.all(names.map((name) => (options.modelCard ? options.modelCard(name) : zooModelCard(name))));
  return names.map((name, index) => found[index] ?? modelCards([name])[0]!);
}

/** The zoo's card for a model name, or undefined when the zoo cannot describe it (the report then says so). */
async function zooModelCard(name: string): Promise<ModelCard | undefined> {
  try {
    return await getModelCard(name);
  } catch {
    return undefined;
  }
}

async function readSource(path: string, options: ReportSourceOptions): Promise<ReportInput> {
  if (isPostgresLocation(path)) return fromDatabase(path, options);
  if (!existsSync(path)) throw new ServelabError(`no such file: ${path} (expected a study database or an analysis-format CSV)`, 'not-found');
  if (/\.csv$/i.test(path)) return fromCsv(path, options);
  if (/\.json$/i.test(path)) {
    throw new ServelabError(
      `${path}: a JSON file holds no trial rows to report on; give the study database (or its CSV export) and pass the analysis JSON with --analysis ${path}`,
    );
  }
  return fromDatabase(path, options);
}

async function fromDatabase(path: string, options: ReportSourceOptions): Promise<ReportInput> {
  let store: AsyncResultsStore;
  try {
    store = await openResultsStore(path, { mustExist: true });
  } catch (error) {
    // The store's own errors already name the file and what was expected.
    if (error instanceof ServelabError) throw error;
    throw new ServelabError(`${path} is not a servelab study database: ${errorMessage(error)}`, 'invalid-input', { cause: error });
  }
  try {
    // Without a study named, a database of several studies (e.g. the demo's, one per model) is reported as one.
    const all = await store.studies();
    const records = options.studyIds
      ? await Promise.all(options.studyIds.map((id) => requireStudy(store, id)))
      : options.studyId === undefined && all.length > 1
        ? all
        : [await requireStudy(store, options.studyId)];
    const rows = options.rows ?? (await Promise.all(records.map((record) => store.trialRows(record.studyId)))).flat();
    requireRows(rows, path);
    const studies = records.map((record) => (record.sourceText ? parseStudy(record.sourceText, `${path} (stored study ${record.studyId})`) : undefined));
    const study = studies[0];
    const first = records[0]!;
    const environments = await store.environments(first.studyId);
    const workers = workerMachines(environments, rows);
    const storedTrials = await Promise.all(records.map((record) => store.trials(record.studyId)));
    const threadPlacements = threadPlacementCounts(storedTrials.flat());
    const attempts = await Promise.all(records.map((record) => store.attempts(record.studyId)));
    const remeasured = storedTrials.reduce((sum, trials, index) => sum + (earlierAttempts(trials, attempts[index]!).remeasured ?? 0), 0);
    const loads = study ? loadSummaries(study) : loadsFromRows(rows);
    // Workers of different kinds would pollute each other's comparisons: their machine joins the environment.
    const heterogeneous = new Set(workers.map((worker) => `${worker.cpuModel}|${worker.cores}|${worker.memoryMb}`)).size > 1;
    const models = unique(studies.every(Boolean) ? studies.flatMap((s) => s!.models) : rows.map((row) => row.context.model));
    const cards = await cardsFor(models, options);
    const analysis = options.analysisPath
      ? readAnalysis(options.analysisPath)
      : analyzeTrials(rows, { ...analysisOptions(study, first.seed), byMachine: heterogeneous, models: modelPropertiesOf(cards) });
    const workloads = unique(studies.every(Boolean) ? studies.flatMap((s) => s!.workloads) : rows.map((row) => row.context.workload));
    const summary = study ? studySummary(study, first.createdAt ? { startedAt: first.createdAt } : {}) : summaryFromRows(first.studyId, rows, analysis, first.seed);
    const sources = records.filter((record) => record.sourceText);
    return {
      study: records.length === 1 ? summary : { ...summary, name: options.title ?? records.map((record) => record.studyId).join(' + '), ...(options.description ? { description: options.description } : {}) },
      machine: machineSummary(environments[environments.length - 1], study?.energy.powerModel),
      models: cards,
      workloads: workloadSummaries(workloads, modelsByWorkload(rows)),
      loads,
      capacities: withOfferedRates((await Promise.all(records.map((record) => store.capacities(record.studyId)))).flat(), loads),
      rows,
      analysis,
      ...(workers.length > 0 ? { workers } : {}),
      ...(threadPlacements.length > 0 ? { threadPlacements } : {}),
      ...(remeasured > 0 ? { remeasured } : {}),
      reproduce: {
        ...(sources.length === 1 ? { studyFile: 'study.yaml', studyYaml: sources[0]!.sourceText! } : {}),
        ...(sources.length > 1
          ? { studyFile: `${sources.length} study files`, studyYaml: sources.map((record) => `# ---- study-${record.studyId}.yaml ----\n${record.sourceText!.trimEnd()}`).join('\n\n') }
          : {}),
        commands: options.reproduceCommands ?? [
          '# save the study file below as study.yaml, then:',
          'npx servelab explore study.yaml --db study.db',
          'npx servelab report study.db -o report.ipynb --html report.html',
        ],
        seed: first.seed,
      },
    };
  } finally {
    await store.close();
  }
}

/** The embedded server's thread layouts the measured trials ran with, most common first. */
function threadPlacementCounts(trials: readonly StoredTrial[]): ThreadPlacementCount[] {
  const counts = new Map<string, number>();
  for (const trial of trials) {
    const placement = trial.measurement?.applied?.threadPlacement;
    if (placement) counts.set(placement, (counts.get(placement) ?? 0) + 1);
  }
  return [...counts].map(([placement, trials]) => ({ placement, trials })).sort((a, b) => b.trials - a.trials);
}

/** Which machines ran the trials of a distributed study: from each worker's environment record and the rows. */
function workerMachines(environments: readonly Pick<EnvironmentRecord, 'details'>[], rows: readonly TrialRow[]): WorkerMachine[] {
  const described = new Map<string, { cpuModel?: string; cores?: number; memoryMb?: number }>();
  for (const environment of environments) {
    const worker = environment.details.worker;
    if (worker?.host) described.set(worker.host, worker);
  }
  const names = [...new Set([...described.keys(), ...rows.flatMap((row) => (row.context.machine ? [row.context.machine] : []))])].sort();
  return names.map((name) => {
    const info = described.get(name);
    const ran = rows.filter((row) => row.context.machine === name);
    return {
      name,
      ...(info?.cpuModel ? { cpuModel: info.cpuModel } : {}),
      ...(info?.cores ? { cores: info.cores } : {}),
      ...(info?.memoryMb ? { memoryMb: info.memoryMb } : {}),
      completed: ran.filter((row) => row.state === 'completed').length,
      failed: ran.filter((row) => row.state === 'failed').length,
    };
  });
}

async function fromCsv(path: string, options: ReportSourceOptions): Promise<ReportInput> {
  const rows = readCsvTrialRows(path);
  requireRows(rows, path);
  const analysis = options.analysisPath ? readAnalysis(options.analysisPath) : analyzeTrials(rows);
  const loads = loadsFromRows(rows);
  return {
    study: summaryFromRows(path.replace(/^.*\//, '').replace(/\.csv$/i, ''), rows, analysis, analysis.settings.seed),
    machine: unknownMachine('a CSV of trial rows does not record the machine'),
    models: await cardsFor(unique(rows.map((row) => row.context.model)), options),
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
