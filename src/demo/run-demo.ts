/**
 * `servelab demo`: explore the demo studies on the embedded server (one per model and its workload), analyse
 * them together and write the report, all into one output folder: study-*.yaml, study.db, analysis.json,
 * report.ipynb (with its data files) and report.html.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeTrials } from '../analysis/analyze.js';
import type { AnalysisResult } from '../analysis/types.js';
import { loadReportInput } from '../report/source.js';
import { writeReport, type WrittenReport } from '../report/write.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { TrialRow } from '../core/trial.js';
import { demoStudies, type DemoStudy } from './demo-study.js';

export interface DemoOptions {
  readonly quick: boolean;
  readonly outDir: string;
  /** Runs one study file into the database (`servelab explore`). */
  readonly explore: (studyPath: string, dbPath: string) => Promise<void>;
  readonly log?: (line: string) => void;
}

export interface DemoResult {
  readonly studyFiles: readonly string[];
  readonly dbPath: string;
  readonly analysisPath: string;
  readonly report: WrittenReport;
  readonly analysis: AnalysisResult;
  readonly durationMs: number;
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => console.log(line));
  const outDir = resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  const studies = demoStudies(options.quick);
  const dbPath = join(outDir, 'study.db');
  const first = studies[0]!.study;
  log(
    `servelab demo${options.quick ? ' --quick' : ''}: ${studies.length} models (${studies.map((s) => `${s.part.model} on ${s.part.workload}`).join(', ')}), ` +
      `${first.space.knobs.length} knobs, ${first.load.points.length} load levels → ${outDir}`,
  );
  const studyFiles: string[] = [];
  for (const [index, demo] of studies.entries()) {
    const studyPath = join(outDir, demo.fileName);
    writeFileSync(studyPath, demo.yaml);
    studyFiles.push(studyPath);
    log(`[${index + 1}/${studies.length}] exploring ${demo.part.model} on ${demo.part.workload}`);
    await options.explore(studyPath, dbPath);
  }

  const studyIds = studies.map((demo) => demo.study.name);
  const rows = readRows(dbPath, studyIds);
  const analysis = analyzeTrials(rows, { objectives: first.objectives, seed: first.seed });
  const analysisPath = join(outDir, 'analysis.json');
  writeFileSync(analysisPath, `${JSON.stringify(analysis, null, 2)}\n`);

  const input = await loadReportInput(dbPath, {
    studyIds,
    rows,
    title: options.quick ? 'servelab-demo-quick' : 'servelab-demo',
    analysisPath,
    reproduceCommands: reproduceCommands(options, studies),
  });
  // The report's input counts the measurements set aside (from the store's attempts), so the summary uses its figure.
  const completed = rows.filter((row) => row.state === 'completed');
  const valid = completed.filter((row) => row.valid).length;
  const remeasured = input.remeasured ?? 0;
  const again = remeasured === 0 ? '' : `; ${remeasured} ${remeasured === 1 ? 'measurement was' : 'measurements were'} disturbed by the machine and measured again`;
  log(`${valid} of ${rows.length} trials VALID by the run's own rules (${completed.length - valid} invalid, ${rows.length - completed.length} failed${again}); analysing the valid ones`);
  const report = await writeReport(input, { notebookPath: join(outDir, 'report.ipynb'), htmlPath: join(outDir, 'report.html') });
  return { studyFiles, dbPath, analysisPath, report, analysis, durationMs: Date.now() - started };
}

function reproduceCommands(options: DemoOptions, studies: readonly DemoStudy[]): string[] {
  return [
    `npx servelab demo${options.quick ? ' --quick' : ''} --out ${options.outDir}`,
    '# or step by step, with the study files below saved beside the database:',
    ...studies.map((demo) => `npx servelab explore ${demo.fileName} --db study.db`),
    `npx servelab analyze study.db --json analysis.json`,
    'npx servelab report study.db --analysis analysis.json -o report.ipynb --html report.html',
  ];
}

function readRows(dbPath: string, studyIds: readonly string[]): TrialRow[] {
  const store = openSqliteStore(dbPath, { mustExist: true });
  try {
    return studyIds.flatMap((studyId) => store.trialRows(studyId));
  } finally {
    store.close();
  }
}
