/** Writes a built report: the notebook, optionally the HTML page, and the data files the code cells reload. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ServelabError } from '../core/errors.js';
import { buildReport } from './build.js';
import { documentFigures, type ReportExports } from './document.js';
import { renderHtml } from './html.js';
import type { ReportInput } from './input.js';
import { renderNotebook } from './notebook.js';
import { trialsToCsv } from './trials-csv.js';

export interface WriteReportOptions {
  readonly notebookPath: string;
  readonly htmlPath?: string;
  readonly generatedAt?: string;
}

export interface WrittenReport {
  readonly notebookPath: string;
  readonly htmlPath?: string;
  readonly trialsCsvPath: string;
  readonly analysisJsonPath: string;
  readonly figuresJsonPath: string;
  /** Every figure as SVG (and PNG, where drawn). */
  readonly figuresDirectoryPath: string;
  readonly figures: number;
  readonly sections: number;
}

/** The export file names for a notebook path: report.ipynb → report.trials.csv, report.analysis.json, report.figures.json. */
export function exportNames(notebookPath: string): ReportExports {
  const stem = basename(notebookPath).replace(/\.ipynb$/i, '');
  return { trialsCsv: `${stem}.trials.csv`, analysisJson: `${stem}.analysis.json`, figuresJson: `${stem}.figures.json`, figuresDirectory: `${stem}.figures` };
}

export async function writeReport(input: ReportInput, options: WriteReportOptions): Promise<WrittenReport> {
  if (!/\.ipynb$/i.test(options.notebookPath)) {
    throw new ServelabError(`the notebook path must end in .ipynb, got ${options.notebookPath}`);
  }
  if (options.htmlPath !== undefined && !/\.html?$/i.test(options.htmlPath)) {
    throw new ServelabError(`the HTML path must end in .html, got ${options.htmlPath}`);
  }
  const exports = exportNames(options.notebookPath);
  const document = await buildReport(input, { exports, ...(options.generatedAt ? { generatedAt: options.generatedAt } : {}) });
  const directory = dirname(options.notebookPath);
  mkdirSync(directory, { recursive: true });
  const paths = {
    trialsCsvPath: join(directory, exports.trialsCsv),
    analysisJsonPath: join(directory, exports.analysisJson),
    figuresJsonPath: join(directory, exports.figuresJson),
    figuresDirectoryPath: join(directory, exports.figuresDirectory),
  };
  const figures = documentFigures(document);
  writeFileSync(paths.trialsCsvPath, trialsToCsv(input.rows, input.study.space.knobs.map((knob) => knob.name)));
  writeFileSync(paths.analysisJsonPath, `${JSON.stringify(input.analysis, null, 2)}\n`);
  writeFileSync(paths.figuresJsonPath, `${JSON.stringify(Object.fromEntries(figures.map((figure) => [figure.id, figure.vegaLiteSpec])))}\n`);
  mkdirSync(paths.figuresDirectoryPath, { recursive: true });
  for (const figure of figures) {
    writeFileSync(join(paths.figuresDirectoryPath, `${figure.id}.svg`), figure.svg);
    if (figure.pngBase64) writeFileSync(join(paths.figuresDirectoryPath, `${figure.id}.png`), Buffer.from(figure.pngBase64, 'base64'));
  }
  writeFileSync(options.notebookPath, `${JSON.stringify(renderNotebook(document), null, 1)}\n`);
  if (options.htmlPath) {
    mkdirSync(dirname(options.htmlPath), { recursive: true });
    writeFileSync(options.htmlPath, renderHtml(document));
  }
  return {
    notebookPath: options.notebookPath,
    ...(options.htmlPath ? { htmlPath: options.htmlPath } : {}),
    ...paths,
    figures: figures.length,
    sections: document.sections.length,
  };
}
