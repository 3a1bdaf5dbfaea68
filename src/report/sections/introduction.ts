/** Section 1: what was studied and why, the study at a glance, and how to read the report. */
import type { Section } from '../document.js';
import { codeSpan, escapeInline } from '../inline.js';
import { rowOutcomes } from '../trial-points.js';
import type { SectionContext } from './context.js';

export function introductionSection(context: SectionContext): Section {
  const { input, points } = context;
  const outcomes = rowOutcomes(input.rows);
  const configurations = new Set(points.map((point) => point.configurationKey)).size;
  const headline = input.analysis.findings.slice(0, 3);
  return {
    id: 'what-and-why',
    title: 'What was studied and why',
    blocks: [
      { kind: 'paragraph', text: escapeInline(input.study.question) },
      ...(input.study.description ? [{ kind: 'paragraph' as const, text: escapeInline(input.study.description) }] : []),
      {
        kind: 'paragraph',
        text:
          `The study ${codeSpan(input.study.name)} served ${input.models.length} model(s) (${input.models.map((model) => codeSpan(model.name)).join(', ')}) ` +
          `with ${input.workloads.length} workload(s) at ${context.loadOrder.length} load level(s) on the ${escapeInline(input.study.target)}, ` +
          `varying ${input.study.space.knobs.length} knobs. It measured ${configurations} distinct configurations in ` +
          `${context.environmentOrder.length} environments (model × workload × load): ${outcomes.completed} valid trial rows, ` +
          `${outcomes.invalid} invalid and ${outcomes.failed} failed.`,
      },
      ...(headline.length > 0
        ? [
            { kind: 'heading' as const, text: 'Headline findings' },
            { kind: 'list' as const, ordered: true, items: headline.map((finding) => escapeInline(finding.text)) },
          ]
        : []),
      { kind: 'heading', text: 'How to read this report' },
      {
        kind: 'list',
        items: [
          '**Environment** says what machine the numbers come from and whether energy is measured or estimated: read it before comparing with other machines.',
          '**Results** gives each model · workload · load on its own; latency is measured from the scheduled send time, so queueing under load is included.',
          '**Pareto fronts** show the configurations worth considering when latency and energy both matter; any configuration off the front is beaten on both.',
          '**Knob effects** say which settings matter, by how much, and which pairs interact; **transfer** says whether a configuration tuned for one model, workload or load can be reused for another.',
          '**Findings** lists the strongest statements the data supports, each with its numbers; **threats to validity** says what could make them wrong.',
          'Every figure is interactive in the HTML version and in JupyterLab: hover a point to see its configuration.',
        ],
      },
    ],
  };
}
