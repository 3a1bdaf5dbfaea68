/** Model cards and workload cards for the models and workloads a study names, from the zoo's registries. */
import type { ModelCard } from '../core/model-card.js';
import { DATASETS } from '../zoo/datasets/index.js';
import { WORKLOADS } from '../zoo/workloads/registry.js';
import type { Workload } from '../zoo/workloads/types.js';
import type { WorkloadSummary } from './input.js';

/** A placeholder card per model name, saying only what is known; source.ts replaces it with the zoo's card. */
export function modelCards(names: readonly string[]): ModelCard[] {
  return names.map(
    (name): ModelCard => ({
        name,
        task: 'unknown',
        modality: 'image',
        description: 'No model card is available for this model.',
        source: name.endsWith('.onnx') ? name : 'not in the servelab zoo',
        licence: 'unknown',
        weights: 'pretrained',
        inputs: [],
        outputs: [],
        params: 0,
        flops: 0,
        defaultInputShapes: {},
      }),
  );
}

export function workloadSummaries(names: readonly string[], modelsByWorkload: ReadonlyMap<string, readonly string[]>): WorkloadSummary[] {
  return names.map((name) => {
    const workload = (WORKLOADS as Record<string, Workload>)[name];
    const models = modelsByWorkload.get(name) ?? [];
    if (!workload) {
      return { name, modality: 'image', dataset: 'unknown', description: 'Not a servelab workload.', source: 'unknown', licence: 'unknown', models };
    }
    const dataset = (DATASETS as Record<string, { description: string; source: string; licence: string }>)[workload.info.dataset];
    return {
      name,
      modality: workload.info.modality,
      dataset: dataset ? `${workload.info.dataset}: ${dataset.description}` : workload.info.dataset,
      description: workload.info.description.endsWith('.') ? workload.info.description : `${workload.info.description}.`,
      source: dataset?.source ?? 'unknown',
      licence: dataset?.licence ?? 'unknown',
      models,
    };
  });
}
