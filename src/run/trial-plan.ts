/**
 * What a study asks of each configuration: one trial per model, workload, load point and repetition, with
 * ids derived from their content, so a resumed study finds the same trials it planned before.
 */
import { createHash } from 'node:crypto';
import { configurationKey, type Configuration } from '../core/space.js';
import type { Protocol } from '../core/target.js';
import type { TrialContext } from '../core/trial.js';
import type { Colocation } from '../plan/colocation.js';
import type { LoadPoint } from '../plan/load-schema.js';
import type { Study } from '../plan/study-schema.js';
import type { PlannedTrial } from '../store/types.js';

export interface TrialSpec extends PlannedTrial {
  readonly point: LoadPoint;
}

export function trialId(studyId: string, configuration: Configuration, context: TrialContext, repetition: number): string {
  // The group joins the id only when there is one, so the ids of studies without co-location stay as they were.
  const parts = [studyId, configurationKey(configuration), context.model, context.workload, context.load, repetition, ...(context.coServed === undefined ? [] : [context.coServed])];
  const text = parts.join('\u0000');
  return `t-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}

/** The trials of one configuration, in run order: repetition, model (or co-served group and its models), workload, load point. */
export function trialsOf(study: Study, configuration: Configuration): TrialSpec[] {
  if (study.colocation) return coServedTrialsOf(study, study.colocation, configuration);
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

/** Co-located models: every group in every repetition, each model of the group with its own workload. */
function coServedTrialsOf(study: Study, colocation: Colocation, configuration: Configuration): TrialSpec[] {
  const trials: TrialSpec[] = [];
  for (let repetition = 0; repetition < study.repetitions; repetition++) {
    for (const group of colocation.groups) {
      for (const model of group.models) {
        for (const point of study.load.points) {
          const context = { model, workload: colocation.workloads[model]!, load: point.label, coServed: group.name };
          trials.push({ trialId: trialId(study.name, configuration, context, repetition), studyId: study.name, configuration, context, repetition, point });
        }
      }
    }
  }
  return trials;
}

/** A trial as people read it: model, workload, load point, the models served with it, and repetition. */
export function trialLabel(trial: Pick<TrialSpec, 'context' | 'repetition'>): string {
  const coServed = trial.context.coServed === undefined || trial.context.coServed === trial.context.model ? '' : ` (served with ${trial.context.coServed})`;
  return `${trial.context.model} ${trial.context.workload} ${trial.context.load}${coServed} #${trial.repetition}`;
}

export function trialsPerConfiguration(study: Study): number {
  if (study.colocation) return study.repetitions * study.colocation.groups.reduce((sum, group) => sum + group.models.length, 0) * study.load.points.length;
  return study.repetitions * study.models.length * study.workloads.length * study.load.points.length;
}

/** The trials one fresh server measures together: one model, or one co-served group, in one repetition. */
export function unitKeyOf(trial: Pick<TrialSpec, 'context' | 'repetition'>): string {
  return `${trial.repetition}\u0000${trial.context.coServed ?? trial.context.model}`;
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
