/**
 * Checks that span several sections of a study: knobs against the target (what can be applied where), the
 * launch command's placeholders, the protocol given twice, objectives, and the sampler against the space size.
 */
import { spaceSize, type DesignSpace } from '../core/space.js';
import { knobInfo } from './knob-catalog.js';
import { LAUNCH_BUILTINS, templatePlaceholders } from './launch-template.js';
import type { ReportProblem } from './knob-levels.js';

interface StudyShape {
  readonly target:
    | { readonly kind: 'embedded' }
    | {
        readonly kind: 'external';
        readonly url: string;
        readonly launch?: { readonly command: string; readonly readyUrl?: string | undefined } | undefined;
      };
  readonly knobs: Readonly<Record<string, unknown>>;
  readonly protocol?: string | undefined;
  readonly objectives: readonly { readonly metric: string }[];
  readonly sampler: { readonly kind: string; readonly budget?: number | undefined; readonly initial?: number | undefined; readonly resolution?: number | undefined };
}

const BUDGETED = ['random', 'lhs', 'adaptive'];

export function checkStudyConsistency(study: StudyShape, space: DesignSpace, report: ReportProblem): void {
  checkKnobsAgainstTarget(study, report);
  if (study.protocol !== undefined && 'protocol' in study.knobs) {
    report(['protocol'], 'the protocol is also a knob (knobs.protocol); give it in one place only');
  }
  const metrics = study.objectives.map((objective) => objective.metric);
  metrics.forEach((metric, index) => {
    if (metrics.indexOf(metric) !== index) report(['objectives', index, 'metric'], `objective '${metric}' is listed twice`);
  });
  checkSampler(study.sampler, space, report);
  checkPreferredBatchSizes(study.knobs, report);
}

/** A preferred batch size above every maxBatchSize level could never be valid (the server rejects it). */
function checkPreferredBatchSizes(knobs: StudyShape['knobs'], report: ReportProblem): void {
  const preferred = knobs['batching.preferredBatchSizes'];
  const maxBatch = knobs['batching.maxBatchSize'];
  if (!Array.isArray(preferred) || !Array.isArray(maxBatch)) return;
  const largest = Math.max(...maxBatch.filter((level): level is number => typeof level === 'number'));
  for (const level of preferred) {
    const sizes = typeof level === 'string' && level !== '' ? level.split(',').map(Number) : [];
    if (sizes.some((size) => size > largest)) {
      report(['knobs', 'batching.preferredBatchSizes'], `preferred batch sizes must be <= batching.maxBatchSize (at most ${largest} here), but got [${level}]`);
    }
  }
}

function checkKnobsAgainstTarget(study: StudyShape, report: ReportProblem): void {
  const target = study.target;
  const names = Object.keys(study.knobs);
  if (target.kind === 'embedded') {
    for (const name of names) {
      if (knobInfo(name)?.scope === 'custom') report(['knobs', name], `custom knobs only reach an external target's launch command; the embedded server has no '${name}'`);
    }
    return;
  }
  if (target.launch === undefined) {
    for (const name of names) {
      if (knobInfo(name)?.scope !== 'client') {
        report(['knobs', name], `an external target without target.launch can only vary the client protocol; '${name}' needs servelab to launch the server`);
      }
    }
    return;
  }
  const placeholders = templatePlaceholders(target.launch.command);
  const known = new Set<string>([...LAUNCH_BUILTINS, ...names]);
  for (const placeholder of placeholders) {
    if (!known.has(placeholder)) {
      report(['target', 'launch', 'command'], `placeholder {${placeholder}} is neither a knob of this study nor one of ${LAUNCH_BUILTINS.join(', ')}`);
    }
  }
  for (const placeholder of templatePlaceholders(target.launch.readyUrl ?? '')) {
    if (!known.has(placeholder)) {
      report(['target', 'launch', 'readyUrl'], `placeholder {${placeholder}} is neither a knob of this study nor one of ${LAUNCH_BUILTINS.join(', ')}`);
    }
  }
  for (const name of names) {
    const scope = knobInfo(name)?.scope;
    if ((scope === 'server' || scope === 'custom') && !placeholders.includes(name)) {
      report(['knobs', name], `not used by target.launch.command: an external server receives '${name}' only through a {${name}} placeholder`);
    }
  }
  const usesPort = placeholders.includes('port') || placeholders.includes('grpcPort');
  if (!usesPort && !/:\d+/.test(target.url)) {
    report(['target', 'launch', 'command'], 'the launch command should take the port servelab picks ({port} or {grpcPort}) or the url should name a fixed port');
  }
  if (/\{port\}|\{grpcPort\}/.test(target.url) && !usesPort) {
    report(['target', 'url'], 'the url uses {port} but the launch command never receives it');
  }
}

function checkSampler(sampler: StudyShape['sampler'], space: DesignSpace, report: ReportProblem): void {
  const size = spaceSize(space);
  if (BUDGETED.includes(sampler.kind)) {
    if (sampler.budget === undefined) report(['sampler', 'budget'], `required for kind ${sampler.kind}: the number of configurations to try (space has ${size})`);
    else if (sampler.budget > size) report(['sampler', 'budget'], `expected at most the space size (${size} configurations)`, sampler.budget);
  } else if (sampler.budget !== undefined) {
    report(['sampler', 'budget'], `${sampler.kind} has no budget: its design fixes the number of configurations`);
  }
  if (sampler.initial !== undefined) {
    if (sampler.kind !== 'adaptive') report(['sampler', 'initial'], 'only the adaptive sampler takes an initial design size');
    else if (sampler.budget !== undefined && sampler.initial > sampler.budget) {
      report(['sampler', 'initial'], `expected at most the budget (${sampler.budget})`, sampler.initial);
    }
  }
  if (sampler.resolution !== undefined && sampler.kind !== 'fractional-factorial') {
    report(['sampler', 'resolution'], 'only the fractional-factorial sampler takes a resolution');
  }
  if (sampler.kind === 'fractional-factorial' && space.knobs.filter((knob) => knob.levels.length >= 2).length < 2) {
    report(['sampler', 'kind'], 'a fractional factorial needs at least two knobs with two or more levels');
  }
}

