/** Section 4: the model cards and workload cards. */
import type { Section } from '../document.js';
import { formatCount, formatPercent } from '../../core/format.js';
import { codeSpan, escapeInline } from '../inline.js';
import type { SectionContext } from './context.js';

export function modelsWorkloadsSection(context: SectionContext): Section {
  const { models, workloads } = context.input;
  return {
    id: 'models-and-workloads',
    title: 'Models and workloads',
    blocks: [
      {
        kind: 'table',
        headers: ['model', 'task', 'modality', 'parameters', 'FLOPs / sample', 'weights', 'accuracy', 'licence'],
        numericColumns: [3, 4],
        rows: models.map((model) => [
          codeSpan(model.name),
          escapeInline(model.task),
          model.modality,
          model.params > 0 ? formatCount(model.params) : '–',
          model.flops > 0 ? formatCount(model.flops) : '–',
          model.weights,
          model.accuracy ? `${formatPercent(model.accuracy.value, 1)} on ${escapeInline(model.accuracy.dataset)} (${model.accuracy.samples} samples)` : '–',
          escapeInline(model.licence),
        ]),
      },
      {
        kind: 'list',
        items: models.map((model) => {
          const shapes = Object.entries(model.defaultInputShapes).map(([name, shape]) => `${codeSpan(name)} [${shape.join('×')}]`).join(', ');
          return `${codeSpan(model.name)}: ${escapeInline(model.description)} Source: ${escapeInline(model.source)}. Input per sample: ${shapes || '–'}.`;
        }),
      },
      { kind: 'heading', text: 'Workloads' },
      {
        kind: 'table',
        headers: ['workload', 'modality', 'dataset', 'samples', 'models', 'licence'],
        numericColumns: [3],
        rows: workloads.map((workload) => [
          codeSpan(workload.name),
          workload.modality,
          escapeInline(workload.dataset),
          workload.samples === undefined ? '–' : String(workload.samples),
          (workload.models ?? []).map(codeSpan).join(', ') || '–',
          escapeInline(workload.licence),
        ]),
      },
      { kind: 'list', items: workloads.map((workload) => `${codeSpan(workload.name)}: ${escapeInline(workload.description)} Source: ${escapeInline(workload.source)}.`) },
    ],
  };
}
