/**
 * What a study asks of each configuration: one trial per model, workload, load point and repetition, with
 * ids derived from their content, so a resumed study finds the same trials it planned before.
 */
import { createHash } from 'node:crypto';
import { configurationKey, type Configuration } from '../core/space.js';
import type { Protocol } from '../core/target.js';
import type { TrialContext } from '../core/trial.js';
import type { LoadPoint } from '../plan/load-schema.js';
import type { Study } from '../plan/study-schema.js';
import type { PlannedTrial } from '../store/types.js';

export interface TrialSpec extends PlannedTrial {
  readonly point: LoadPoint;
}

export function trialId(studyId: string, configuration: Configuration, context: TrialContext, repetition: number): string {
  const text = [studyId, configurationKey(configuration), context.model, context.workload, context.load, repetition].join('\u0000');
  return `t-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}

/** The trials of one configuration, in run order: repetition, model, workload, load point. */
export function trialsOf(study: Study, configuration: Configuration): TrialSpec[] {
  const trials: TrialSpec[] = [];
  for (let repetition = 0; repetition < study.repetitions; repetition++) {
    for (const model of study.models) {
      for (const workload of study.workloads) {
        for (const point of study.load.points) {
          const context = { model, workload, load: point.label };
          trials.push({ trialId: trialId(study.name, configuration, context, repetition), studyId: study.name, configuration, context, repetition, point });
        }
      }
    }
  }
  return trials;
}

/** A trial as people read it: model, workload, load point and repetition. */
export function trialLabel(trial: Pick<TrialSpec, 'context' | 'repetition'>): string {
  return `${trial.context.model} ${trial.context.workload} ${trial.context.load} #${trial.repetition}`;
}

export function trialsPerConfiguration(study: Study): number {
  return study.repetitions * study.models.length * study.workloads.length * study.load.points.length;
}

/** A stable hash of the validated study: resuming with a changed definition is refused. */
export function definitionHash(study: Study): string {
  const { description: _description, ...rest } = study;
  return createHash('sha256').update(stableJson(rest)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The client protocol of a configuration: its `protocol` knob, else the study's, else KServe v2 HTTP. */
export function protocolOf(configuration: Configuration, study: Study): Protocol {
  const knob = configuration.protocol;
  return (typeof knob === 'string' ? knob : (study.protocol ?? 'kserve-http')) as Protocol;
}
