/** The analysis module's public surface. */
export { analyzeTrials, type AnalyzeOptions } from './analyze.js';
export { summaryText } from './summary-text.js';
export { parseObjectives, resolveObjectives } from './objectives.js';
export { parseTrialCsv, readCsvTrialRows } from './source/csv-rows.js';
export type * from './types.js';
