/**
 * Checks before any server starts: every workload must fit every model of the study, or each co-served model its own workload (the load generator
 * shapes samples to the model's inputs, which fails for, say, digits against a text model). A model whose card
 * can't be read is left to its trials, which record why it fails.
 */
import { ServelabError } from '../core/errors.js';
import { modelWorkloadPairs } from '../plan/colocation.js';
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
    for (const { model, workload: workloadName } of modelWorkloadPairs(study)) {
      let inputs;
      try {
        inputs = (await getModelCard(model)).inputs;
      } catch {
        continue;
      }
      const fit = getWorkload(workloadName).fits(inputs);
      if (!fit.ok) problems.push(`workload '${workloadName}' does not fit model '${model}': ${fit.reason}`);
    }
  }
  const pairing = study.colocation ? 'gives each co-served model its workload (colocation.workloads)' : 'pairs every model with every workload';
  if (problems.length > 0) throw new ServelabError(`the study ${pairing}, but:\n${problems.map((p) => `  ${p}`).join('\n')}`);
}
