/** What the page needs to know about the study itself: objectives, knobs, models, workloads, loads, metric units. */
import { METRICS } from '../core/metric.js';
import { parseStudy, type Study } from '../plan/study-schema.js';
import type { StudyRecord } from '../store/types.js';
import type { StudyInfo } from './types.js';

const DEFAULT_OBJECTIVES = [
  { metric: 'p99_ms', direction: 'min' },
  { metric: 'energy_j_per_inf', direction: 'min' },
] as const;

export function studyInfo(record: StudyRecord, location: string): StudyInfo {
  const study = storedStudy(record);
  const metrics = Object.fromEntries(Object.entries(METRICS).map(([name, info]) => [name, { label: info.label, unit: info.unit, better: info.better }]));
  const common = { studyId: record.studyId, store: location, metrics, ...(record.createdAt ? { createdAt: record.createdAt } : {}) };
  if (!study) return { ...common, objectives: [...DEFAULT_OBJECTIVES], knobs: [], models: [], workloads: [], loads: [] };
  return {
    ...common,
    ...(study.description ? { description: study.description } : {}),
    objectives: study.objectives,
    knobs: study.space.knobs.map((knob) => knob.name),
    models: study.models,
    workloads: study.workloads,
    loads: study.load.points.map((point) => point.label),
    sampler: study.sampler.kind,
    repetitions: study.repetitions,
  };
}

/** The study as stored with its source text; undefined when the store kept none or it no longer validates. */
export function storedStudy(record: StudyRecord): Study | undefined {
  if (!record.sourceText) return undefined;
  try {
    return parseStudy(record.sourceText, `stored study ${record.studyId}`);
  } catch {
    return undefined;
  }
}
