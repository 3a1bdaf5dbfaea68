/** What every section builder reads: the input plus values derived from it once. */
import type { Block, ReportExports } from '../document.js';
import { renderFigure, type FigureDefinition } from '../figures/render.js';
import type { ReportInput } from '../input.js';
import { trialPoints, type TrialPoint } from '../trial-points.js';

export interface SectionContext {
  readonly input: ReportInput;
  readonly points: readonly TrialPoint[];
  readonly knobOrder: readonly string[];
  readonly loadOrder: readonly string[];
  /** Environment keys 'model|workload|load', ordered by model, workload, then load level. */
  readonly environmentOrder: readonly string[];
  /** Objective metric names, the study's first. */
  readonly objectiveMetrics: readonly string[];
  readonly exports: ReportExports;
}

export function sectionContext(input: ReportInput, exports: ReportExports): SectionContext {
  const knobOrder = input.study.space.knobs.map((knob) => knob.name);
  const points = trialPoints(input.rows, knobOrder);
  const loadOrder = orderedUnique([...input.loads.map((load) => load.name), ...points.map((point) => point.context.load)]);
  const modelOrder = orderedUnique([...input.models.map((model) => model.name), ...points.map((point) => point.context.model)]);
  const workloadOrder = orderedUnique([...input.workloads.map((workload) => workload.name), ...points.map((point) => point.context.workload)]);
  const keys = orderedUnique([...input.analysis.environments.map((environment) => environment.key), ...points.map((point) => point.environment)]);
  const rank = (key: string): number[] => {
    const [model = '', workload = '', load = ''] = key.split('|');
    return [modelOrder.indexOf(model), workloadOrder.indexOf(workload), loadOrder.indexOf(load)];
  };
  const environmentOrder = [...keys].sort((a, b) => compareRanks(rank(a), rank(b)));
  return {
    input,
    points,
    knobOrder,
    loadOrder,
    environmentOrder,
    objectiveMetrics: input.analysis.objectives.map((objective) => objective.metric),
    exports,
  };
}

/** A figure block, or nothing when the data gives no figure (the section then says so in text). */
export async function figureBlocks(definition: FigureDefinition | undefined): Promise<Block[]> {
  return definition ? [{ kind: 'figure', figure: await renderFigure(definition) }] : [];
}

function orderedUnique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < a.length; index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
