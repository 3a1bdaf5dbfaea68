/** Section 12: threats to validity: noise, virtualization, estimated energy, emulated knobs, coverage. */
import { configurationKey, spaceSize } from '../../core/space.js';
import type { TrialRow } from '../../core/trial.js';
import type { Section } from '../document.js';
import { formatPercent, metricTitle } from '../../core/format.js';
import { codeSpan, escapeInline } from '../inline.js';
import { environmentKey, quantile, rowOutcomes } from '../trial-points.js';
import type { SectionContext } from './context.js';

export function threatsSection(context: SectionContext): Section {
  const { input } = context;
  const { machine, study } = input;
  const outcomes = rowOutcomes(input.rows);
  const items: string[] = [];
  const noise = ['p99_ms', 'energy_j_per_inf']
    .map((metric) => ({ metric, cv: medianCoefficientOfVariation(input.rows, metric) }))
    .filter((entry) => entry.cv !== undefined);
  if (study.repetitions < 2 || noise.length === 0) {
    items.push(
      '**Measurement noise.** Each configuration was measured once, so noise could not be estimated from repetitions. Differences of a few percent between configurations may be noise; treat close calls as ties.',
    );
  } else {
    items.push(
      `**Measurement noise.** Repeating a configuration gave a median coefficient of variation of ${noise
        .map((entry) => `${formatPercent(entry.cv, 1)} for ${metricTitle(entry.metric)}`)
        .join(' and ')}. Differences smaller than this are within noise; the analysis reports front members within noise separately and never reports an effect smaller than its noise.`,
    );
  }
  items.push(
    machine.virtualized === false
      ? '**Machine.** The study ran on bare metal; other processes still share the CPU, caches and memory bandwidth.'
      : `**Virtual machine.** The study ran ${machine.virtualized ? 'in a virtual machine' : 'on a machine that may be virtual'}: a noisy neighbour, CPU steal time or host frequency changes can shift a whole run. Jamshidi et al. (ASE 2017) found unstable cloud hardware to hurt transfer. Randomized run order spreads such drift over all knobs instead of aliasing it with one.`,
  );
  items.push(
    machine.energyMeter.estimated
      ? `**Estimated energy.** Energy per inference comes from the ${codeSpan(machine.energyMeter.name)} model (CPU time × power model), not from a hardware counter. It is a linear function of CPU time and wall time by construction, so it cannot show effects a real meter would (frequency-dependent power, memory and uncore energy, idle states): rankings by energy are rankings by CPU time per inference plus the idle share per inference.`
      : `**Energy measurement.** Energy comes from ${codeSpan(machine.energyMeter.name)}, a hardware counter covering the package domain: it includes other processes' energy while the server runs, and excludes the rest of the machine.`,
  );
  const emulated = machine.knobNotes.filter((note) => note.emulated);
  if (emulated.length > 0) {
    items.push(
      `**Emulated knobs.** ${emulated.map((note) => `${codeSpan(note.knob)}: ${escapeInline(note.note)}`).join(' ')} An emulated setting changes how much CPU time the server gets, not the clock frequency: it does not lower power per cycle the way real DVFS does.`,
    );
  } else {
    items.push('**Emulated frequency.** No knob in this study was emulated; CPU frequency was not varied.');
  }
  const openLoop = input.loads.length > 0 && input.loads.every((load) => !/closed/i.test(load.pattern));
  const isolated = machine.cpuLayout !== undefined && !machine.cpuLayout.startsWith('generator and server share');
  items.push(
    (isolated
      ? `**Load generator on the same machine.** The client ran on CPUs of its own (${escapeInline(machine.cpuLayout!)}), so it did not compete with the server for cores; it still shares caches, memory bandwidth and the loopback network stack. `
      : '**Load generator on the same machine.** The client shares the CPU with the server, so at high load part of the measured latency is client time. ') +
      (openLoop
        ? 'The load is open-loop and latency is timed from the scheduled send, so a slow client shows up as latency rather than as a silently lower rate.'
        : 'Closed-loop load adapts its rate to the server, so its latencies understate what users arriving independently would see (coordinated omission).'),
  );
  const measured = new Set(context.points.map((point) => point.configurationKey)).size;
  items.push(
    `**Coverage.** ${measured} of ${spaceSize(study.space).toLocaleString('en-US')} configurations were measured. Effects and fronts describe the sampled configurations; an unsampled configuration could be better.`,
  );
  const remeasured = input.remeasured ?? 0;
  items.push(
    `**Excluded trials.** ${outcomes.invalid} rows were invalid and ${outcomes.failed} failed. If failures concentrate in one region (e.g. many instances with little memory), results there are biased towards the configurations that survived.` +
      (remeasured > 0
        ? ` ${remeasured} ${remeasured === 1 ? 'measurement was' : 'measurements were'} INVALID only because the machine disturbed ${remeasured === 1 ? 'it' : 'them'} (hypervisor steal over the study's limit, late sends, latency drift) and measured again at once; the set-aside measurements stay in the store as earlier attempts.`
        : ''),
  );
  items.push(
    `**External validity.** ${input.models.length} models and ${input.workloads.length} workloads on one machine do not represent all DNNs or serving stacks; results on GPUs, larger models or other runtimes may differ.`,
  );
  return { id: 'threats-to-validity', title: 'Threats to validity', blocks: [{ kind: 'list', items }] };
}

/** Median over (environment, configuration) groups with two or more repetitions of the metric's CV. */
export function medianCoefficientOfVariation(rows: readonly TrialRow[], metric: string): number | undefined {
  const groups = new Map<string, number[]>();
  for (const row of rows) {
    if (row.state !== 'completed' || !row.valid) continue;
    const value = row.metrics[metric];
    if (value === undefined || !Number.isFinite(value)) continue;
    const key = `${environmentKey(row.context)}\u0000${configurationKey(row.configuration)}`;
    groups.set(key, [...(groups.get(key) ?? []), value]);
  }
  const cvs: number[] = [];
  for (const values of groups.values()) {
    if (values.length < 2) continue;
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    if (mean === 0) continue;
    const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
    cvs.push(Math.sqrt(variance) / Math.abs(mean));
  }
  return cvs.length === 0 ? undefined : quantile(cvs.sort((a, b) => a - b), 0.5);
}
