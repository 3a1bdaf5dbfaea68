/**
 * Work as it travels from the study driver to a worker, through the in-process queue or BullMQ: ids only.
 * A job names its study and either one capacity search or one unit (the trials of a configuration, model and
 * repetition, which share one fresh server); the worker reads the validated study and the planned trials from
 * the store. Job ids are derived from content, so a queue never holds the same work twice however often the
 * driver (re)starts.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ServelabError } from '../core/errors.js';
import { configurationKey, type Configuration } from '../core/space.js';

const studyJobSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('capacity'), studyId: z.string().min(1), model: z.string().min(1), workload: z.string().min(1) }).strict(),
  z
    .object({
      kind: z.literal('unit'),
      studyId: z.string().min(1),
      /** core/space.ts's configurationKey: the configuration as canonical JSON. */
      configurationKey: z.string().min(2),
      model: z.string().min(1),
      repetition: z.number().int().nonnegative(),
      /** The co-served group the unit's server serves (its first model is `model`); absent for a model served alone. */
      coServed: z.string().min(1).optional(),
    })
    .strict(),
]);

export type StudyJob = z.output<typeof studyJobSchema>;
export type UnitJob = Extract<StudyJob, { kind: 'unit' }>;
export type CapacityJob = Extract<StudyJob, { kind: 'capacity' }>;

export function unitJob(studyId: string, configuration: Configuration, model: string, repetition: number, coServed?: string): UnitJob {
  return { kind: 'unit', studyId, configurationKey: configurationKey(configuration), model, repetition, ...(coServed === undefined ? {} : { coServed }) };
}

export function jobId(job: StudyJob): string {
  const parts =
    job.kind === 'capacity'
      ? [job.kind, job.studyId, job.model, job.workload]
      : [job.kind, job.studyId, job.configurationKey, job.model, String(job.repetition), ...(job.coServed === undefined ? [] : [job.coServed])];
  return `${job.kind}-${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24)}`;
}

/** A job as received from a queue, checked: a queue is shared, and an older servelab may have filled it. */
export function parseStudyJob(data: unknown): StudyJob {
  const result = studyJobSchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`).join('; ');
    throw new ServelabError(`a study job must name its study and one capacity search or unit by ids (${problems})`, 'invalid-input');
  }
  return result.data;
}

const knobValues = z.record(z.string(), z.union([z.number(), z.string(), z.boolean()]));

/** The configuration a unit job names, read back from its key; a key that is not canonical is refused. */
export function jobConfiguration(job: UnitJob): Configuration {
  let parsed: unknown;
  try {
    parsed = JSON.parse(job.configurationKey);
  } catch {
    parsed = undefined;
  }
  const result = knobValues.safeParse(parsed);
  if (!result.success || configurationKey(result.data) !== job.configurationKey) {
    throw new ServelabError(`a unit job's configuration key must be a configuration as canonical JSON (knob name to value), got '${job.configurationKey}'`, 'invalid-input');
  }
  return result.data;
}
