/** Section 3: the knobs and their levels, the sampler and budget, objectives and repetitions. */
import { spaceSize } from '../../core/space.js';
import type { Section } from '../document.js';
import { formatPercent, metricTitle } from '../../core/format.js';
import { codeSpan, escapeInline } from '../inline.js';
import type { SectionContext } from './context.js';

export function designSpaceSection(context: SectionContext): Section {
  const { study, analysis } = context.input;
  const size = spaceSize(study.space);
  const measured = new Set(context.points.map((point) => point.configurationKey)).size;
  return {
    id: 'design-space',
    title: 'Design space and sampling',
    blocks: [
      {
        kind: 'table',
        headers: ['knob', 'kind', 'levels', 'count'],
        numericColumns: [3],
        rows: study.space.knobs.map((knob) => [
          codeSpan(knob.name),
          knob.kind,
          knob.levels.map((level) => codeSpan(String(level))).join(', '),
          String(knob.levels.length),
        ]),
      },
      {
        kind: 'paragraph',
        text:
          `The full cross product has ${size.toLocaleString('en-US')} configurations. The ${codeSpan(study.sampler.name)} sampler` +
          `${study.sampler.budget ? ` with a budget of ${study.sampler.budget} configurations` : ''} chose ${measured} of them ` +
          `(${formatPercent(measured / Math.max(size, 1), 1)} of the space)` +
          `${study.sampler.details ? `: ${escapeInline(study.sampler.details)}` : ''}. Each sampled configuration was measured ` +
          `${study.repetitions} time(s) per environment, in a randomized order so that slow drift of the machine does not line up with a knob. ` +
          `Seed: ${codeSpan(String(study.seed))}.`,
      },
      {
        kind: 'paragraph',
        text: `Objectives: ${analysis.objectives.map((objective) => `${objective.direction === 'min' ? 'minimize' : 'maximize'} ${metricTitle(objective.metric)}`).join('; ')}.`,
      },
    ],
  };
}
