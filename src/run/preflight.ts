/**
 * Checks before any server starts: every workload must fit every model of the study (the load generator
 * shapes samples to the model's inputs, which fails for, say, digits against a text model). A model whose card
 * can't be read is left to its trials, which record why it fails.
 */
import { ServelabError } from '../core/errors.js';
import type { Study } from '../plan/study-schema.js';
import { getModelCard } from '../zoo/models/registry.js';
import { getWorkload } from '../zoo/workloads/registry.js';

export async function checkModelWorkloadPairs(study: Study): Promise<void> {
  if (study.target.kind !== 'embedded') return;
  const problems: string[] = [];
  for (const workloadName of study.workloads) {
    try {
      getWorkload(workloadName);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length === 0) {
    for (const model of study.models) {
      let inputs;
      try {
        inputs = (await getModelCard(model)).inputs;
      } catch {
        continue;
      }
      for (const workloadName of study.workloads) {
        const fit = getWorkload(workloadName).fits(inputs);
        if (!fit.ok) problems.push(`workload '${workloadName}' does not fit model '${model}': ${fit.reason}`);
      }
    }
  }
  if (problems.length > 0) throw new ServelabError(`the study pairs every model with every workload, but:\n${problems.map((p) => `  ${p}`).join('\n')}`);
}
