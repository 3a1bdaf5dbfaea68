/**
 * The `colocation:` section of a study: groups of models served together by one server. Each group is a value
 * of the environment (a trial context's `coServed`, named by its models in sorted order joined with '+'), not
 * a knob the sampler varies: every configuration is measured with every group, so a group of one is the
 * baseline the others are compared with. Each model keeps its own workload and load point in every group.
 */
import { z } from 'zod';
import type { ReportProblem } from './knob-levels.js';
import { strict } from './schema-issues.js';

const modelName = z.string({ error: 'expected a model name' }).min(1, { error: 'expected a model name' });

export const colocationSchema = strict({
  /** Each group: the models one server serves at once, e.g. [mnist-cnn, sentiment-cls]. */
  groups: z
    .array(z.array(modelName, { error: 'expected a group: a list of model names' }).min(1, { error: 'expected at least one model in a group' }), {
      error: 'expected a list of groups, e.g. [[mnist-cnn], [mnist-cnn, sentiment-cls]]',
    })
    .min(1, { error: 'expected at least one group' }),
  /** The workload of each model (model name to workload name); a model left out uses the study's only workload. */
  workloads: z.record(z.string(), z.string().min(1, { error: 'expected a workload name' }), { error: 'expected a map of model name to workload name' }).optional(),
});

export type ColocationInput = z.output<typeof colocationSchema>;

export interface CoServedGroup {
  /** The context value: the models in sorted order joined with '+', the same however the study orders them. */
  readonly name: string;
  /** The models in the order the study lists them in the group. */
  readonly models: readonly string[];
}

export interface Colocation {
  readonly groups: readonly CoServedGroup[];
  /** The workload of every model of the groups. */
  readonly workloads: Readonly<Record<string, string>>;
}

export const CO_SERVED_SEPARATOR = '+';

export function coServedName(models: readonly string[]): string {
  return [...models].sort().join(CO_SERVED_SEPARATOR);
}

/** Checks the groups against the study's models and workloads and resolves each model's workload. */
export function resolveColocation(input: ColocationInput, study: { readonly models: readonly string[]; readonly workloads: readonly string[] }, report: ReportProblem): Colocation {
  const groups: CoServedGroup[] = [];
  const seen = new Map<string, number>();
  input.groups.forEach((models, index) => {
    const path = ['colocation', 'groups', index];
    for (const model of models) {
      if (!study.models.includes(model)) report(path, `model '${model}' is not one of the study's models (${study.models.join(', ')})`, model);
    }
    const repeated = models.filter((model, at) => models.indexOf(model) !== at);
    if (repeated.length > 0) report(path, `a group serves each model once, but '${repeated[0]}' is listed twice`, models);
    const name = coServedName(models);
    const earlier = seen.get(name);
    if (earlier !== undefined) report(path, `the same models as group ${earlier} (${name}); list each group once`, models);
    seen.set(name, index);
    groups.push({ name, models });
  });
  const grouped = new Set(input.groups.flat());
  for (const model of study.models) {
    if (!grouped.has(model)) report(['colocation', 'groups'], `model '${model}' is in no group, so it would never be measured; add it to a group (a group of one measures it alone)`, model);
  }
  const workloads: Record<string, string> = {};
  for (const [model, workload] of Object.entries(input.workloads ?? {})) {
    if (!study.models.includes(model)) report(['colocation', 'workloads', model], `model '${model}' is not one of the study's models (${study.models.join(', ')})`, model);
    else if (!study.workloads.includes(workload)) report(['colocation', 'workloads', model], `workload '${workload}' is not one of the study's workloads (${study.workloads.join(', ')})`, workload);
    workloads[model] = workload;
  }
  for (const model of grouped) {
    if (workloads[model] !== undefined) continue;
    if (study.workloads.length === 1) workloads[model] = study.workloads[0]!;
    else if (study.models.includes(model)) {
      report(['colocation', 'workloads'], `name the workload of model '${model}': the study lists ${study.workloads.length} workloads and a co-served model uses one`, model);
    }
  }
  return { groups, workloads };
}

/** The (model, workload) pairs a study measures: each model with its own workload when models are co-served, else every model with every workload. */
export function modelWorkloadPairs(study: { readonly models: readonly string[]; readonly workloads: readonly string[]; readonly colocation?: Colocation | undefined }): { model: string; workload: string }[] {
  const colocation = study.colocation;
  if (!colocation) return study.models.flatMap((model) => study.workloads.map((workload) => ({ model, workload })));
  return study.models.flatMap((model) => (colocation.workloads[model] === undefined ? [] : [{ model, workload: colocation.workloads[model]! }]));
}

/** The groups of several models, each with the capacity record that names it: model 'a+b', workload their workloads joined with '+'. */
export function mixCapacityPairs(study: { readonly colocation?: Colocation | undefined }): { group: CoServedGroup; model: string; workload: string }[] {
  const colocation = study.colocation;
  if (!colocation) return [];
  return colocation.groups
    .filter((group) => group.models.length > 1)
    .map((group) => ({ group, model: group.name, workload: group.models.map((model) => colocation.workloads[model]!).join(CO_SERVED_SEPARATOR) }));
}

/** The group a context names, or undefined for a model served alone outside a co-location study. */
export function coServedGroup(study: { readonly colocation?: Colocation | undefined }, name: string | undefined): CoServedGroup | undefined {
  if (name === undefined) return undefined;
  return study.colocation?.groups.find((group) => group.name === name);
}
