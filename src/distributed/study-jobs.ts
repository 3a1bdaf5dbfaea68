/**
 * Work as it travels through the queue. A job carries everything a worker needs to run it exactly as the
 * single-machine runner would: the validated study and either one capacity search or one unit (the trials of
 * a configuration, model and repetition, which share one fresh server). Job ids are derived from content,
 * so BullMQ never holds the same work twice however often the coordinator (re)starts.
 */
import { createHash } from 'node:crypto';
import { configurationKey, type Configuration } from '../core/space.js';

export const STUDY_QUEUE = 'servelab-study';

export type StudyJobData =
  | { readonly kind: 'capacity'; readonly studyId: string; readonly study: unknown; readonly model: string; readonly workload: string }
  | {
      readonly kind: 'unit';
      readonly studyId: string;
      /** The study as validated (plan/study-schema.ts's Study), JSON. */
      readonly study: unknown;
      readonly configuration: Configuration;
      readonly model: string;
      readonly repetition: number;
    };

export interface StudyJobResult {
  readonly kind: StudyJobData['kind'];
  readonly worker: string;
  /** Trials this run recorded; a duplicate (already completed elsewhere) is not counted. */
  readonly recorded: number;
  readonly duplicates: number;
  readonly workMs: number;
  /** Time spent on the store and queue around the work, for the coordination-overhead figure. */
  readonly coordinationMs: number;
}

export function jobId(data: StudyJobData): string {
  const parts =
    data.kind === 'capacity'
      ? [data.kind, data.studyId, data.model, data.workload]
      : [data.kind, data.studyId, configurationKey(data.configuration), data.model, String(data.repetition)];
  return `${data.kind}-${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24)}`;
}
