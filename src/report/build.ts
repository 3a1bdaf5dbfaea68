/** Builds the report document from its input: every section, in the order the report is read. */
import type { ReportDocument, ReportExports } from './document.js';
import type { ReportInput } from './input.js';
import { sectionContext } from './sections/context.js';
import { designSpaceSection } from './sections/design-space.js';
import { effectsSection } from './sections/effects.js';
import { environmentSection } from './sections/environment.js';
import { findingsSection } from './sections/findings.js';
import { introductionSection } from './sections/introduction.js';
import { loadsSection } from './sections/loads.js';
import { modelsWorkloadsSection } from './sections/models-workloads.js';
import { paretoSection } from './sections/pareto.js';
import { predictionSection } from './sections/prediction.js';
import { relatedWorkSection } from './sections/related-work.js';
import { reproduceSection } from './sections/reproduce.js';
import { resultsSection } from './sections/results.js';
import { threatsSection } from './sections/threats.js';
import { transferSection } from './sections/transfer.js';

/** Section ids in reading order; tests and readers rely on it. */
export const SECTION_IDS = [
  'what-and-why',
  'environment',
  'design-space',
  'models-and-workloads',
  'load-and-capacity',
  'results',
  'pareto-fronts',
  'knob-effects',
  'transfer',
  'prediction',
  'findings',
  'threats-to-validity',
  'related-work',
  'reproduce',
] as const;

export interface BuildOptions {
  readonly exports: ReportExports;
  /** ISO timestamp printed in the report; fixed in tests so output is reproducible. */
  readonly generatedAt?: string;
}

export async function buildReport(input: ReportInput, options: BuildOptions): Promise<ReportDocument> {
  const context = sectionContext(input, options.exports);
  // Figures render one section at a time: vega views are cheap, but rendering all at once would hold every scenegraph.
  const sections = [
    introductionSection(context),
    environmentSection(context),
    designSpaceSection(context),
    modelsWorkloadsSection(context),
    await loadsSection(context),
    await resultsSection(context),
    await paretoSection(context),
    await effectsSection(context),
    await transferSection(context),
    await predictionSection(context),
    await findingsSection(context),
    threatsSection(context),
    relatedWorkSection(),
    reproduceSection(context),
  ];
  const meter = input.machine.energyMeter;
  return {
    title: `servelab study report: ${input.study.name}`,
    subtitle:
      `${input.models.length} models × ${input.workloads.length} workloads × ${context.loadOrder.length} load levels on ${input.machine.cpuModel}` +
      `${input.machine.cores > 0 ? ` (${input.machine.cores} cores)` : ''}; energy ${meter.estimated ? 'estimated' : 'measured'} by ${meter.name}.`,
    generatedAt: options.generatedAt ?? new Date().toISOString(),
    sections,
    exports: options.exports,
  };
}
