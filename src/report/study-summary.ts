/** The report's view of a validated study file: its question, design space, sampler and load levels. */
import type { Study } from '../plan/study-schema.js';
import type { CapacityMeasurement, LoadSummary, StudySummary } from './input.js';

export function studySummary(study: Study, extra: { startedAt?: string } = {}): StudySummary {
  const sampler = study.sampler;
  const details = [
    sampler.initial !== undefined ? `${sampler.initial} initial Latin-hypercube configurations` : '',
    sampler.resolution !== undefined ? `resolution ${sampler.resolution === 3 ? 'III' : 'IV'}` : '',
  ].filter(Boolean);
  return {
    name: study.name,
    question: study.description ?? defaultQuestion(study),
    space: study.space,
    sampler: { name: sampler.kind, ...(sampler.budget !== undefined ? { budget: sampler.budget } : {}), ...(details.length > 0 ? { details: details.join(', ') } : {}) },
    repetitions: study.repetitions,
    seed: study.seed,
    target: study.target.kind === 'embedded' ? 'embedded ONNX Runtime server' : `external server at ${study.target.url} (${study.target.protocol})`,
    ...(extra.startedAt ? { startedAt: extra.startedAt } : {}),
  };
}

function defaultQuestion(study: Study): string {
  const knobs = study.space.knobs.map((knob) => knob.name).join(', ');
  return (
    `How do the serving knobs ${knobs || '(none)'} change ${study.objectives.map((objective) => objective.metric).join(' and ')} ` +
    `for ${study.models.join(', ')} under ${study.workloads.join(', ')}, and does the best configuration for one model, workload or load carry over to another?`
  );
}

export function loadSummaries(study: Study): LoadSummary[] {
  const fractions = study.load.capacity.fractions as Readonly<Record<string, number>>;
  return study.load.points.map((point) => {
    const fraction = point.level ? fractions[point.level] : undefined;
    const description =
      point.pattern === 'closed'
        ? `${point.concurrency ?? '?'} concurrent clients, each sending its next request ${point.thinkTimeMs ? `${point.thinkTimeMs} ms` : 'right'} after a response.`
        : point.level
          ? `${point.pattern === 'poisson' ? 'Poisson' : 'Evenly spaced'} arrivals at ${Math.round((fraction ?? 0) * 100)}% of the measured capacity.`
          : `${point.pattern === 'poisson' ? 'Poisson' : 'Evenly spaced'} arrivals at ${point.rateRps} req/s.`;
    return {
      name: point.label,
      pattern: point.pattern === 'closed' ? 'closed-loop' : `${point.pattern} (open loop)`,
      description,
      ...(fraction !== undefined ? { fractionOfCapacity: fraction } : {}),
      durationMs: study.load.durationMs,
    };
  });
}

/** The offered rate of each capacity-relative load level, next to the measured capacity. */
export function withOfferedRates(
  capacities: readonly { model: string; workload: string; capacityRps: number; method: string; details?: unknown }[],
  loads: readonly LoadSummary[],
): CapacityMeasurement[] {
  return capacities.map((capacity) => ({
    model: capacity.model,
    workload: capacity.workload,
    capacityRps: capacity.capacityRps,
    method: capacity.method,
    ...(capacity.details === undefined ? {} : { details: capacity.details }),
    offeredRps: Object.fromEntries(
      loads.filter((load) => load.fractionOfCapacity !== undefined).map((load) => [load.name, offeredBase(capacity) * load.fractionOfCapacity!]),
    ),
  }));
}

/** What a level is a fraction of: the capacity, or for co-served models (run/mix-capacity.ts) the sum of their solo capacities. */
function offeredBase(capacity: { capacityRps: number; details?: unknown }): number {
  const members = (capacity.details as { members?: unknown } | undefined)?.members;
  if (!Array.isArray(members)) return capacity.capacityRps;
  return members.reduce((sum: number, member: { soloCapacityRps?: unknown }) => sum + (typeof member.soloCapacityRps === 'number' ? member.soloCapacityRps : 0), 0);
}
