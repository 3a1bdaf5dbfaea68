/**
 * What a study run on this machine prints as its worker measures: a line per trial (counter, configuration,
 * context, verdict and key metrics, or the failure) and a note per capacity search, through the progress
 * reporter (a bar on a terminal, lines otherwise).
 */
import { configurationKey, type Configuration } from '../core/space.js';
import type { EnergyRecord } from '../core/trial-measurement.js';
import type { ProgressReporter } from './progress.js';
import type { StudyWorkerEvents } from './study-worker.js';
import { trialLabel, type TrialSpec } from './trial-plan.js';

export class TrialLines {
  #done = 0;
  #ranNow = 0;

  constructor(private readonly progress: ProgressReporter) {}

  get ranNow(): number {
    return this.#ranNow;
  }

  /** Trials run by this process, counted from the trials already done. */
  start(planned: number, done: number): void {
    this.#done = done;
    this.progress.start(planned, done);
  }

  readonly events: StudyWorkerEvents = {
    capacityStarted: (_study, model, workload) => this.progress.note(`servelab: measuring the capacity of ${model} with ${workload} (default server settings) for the stress levels`),
    capacityRemeasured: (study, model, workload, steal) =>
      this.progress.note(
        `servelab: measuring the capacity of ${model} with ${workload} again: the hypervisor took ${(steal * 100).toFixed(1)}% of the CPUs' time during the search (steal; the study allows ${(study.validity.maxCpuSteal * 100).toFixed(1)}%)`,
      ),
    capacityMeasured: (_study, record) => this.progress.note(`servelab: capacity of ${record.model} with ${record.workload}: ${record.capacityRps.toFixed(1)} req/s (${record.method})`),
    trialStarted: (configuration, trial) => this.progress.trialStarted(this.#done, label(configuration, trial)),
    trialRemeasured: (configuration, trial, disturbed) =>
      this.progress.note(`servelab: measuring again ${label(configuration, trial)} | ${disturbed.verdictReasons?.map((reason) => reason.message).join('; ') ?? 'INVALID'}`),
    trialEnded: (configuration, trial, outcome) => {
      if (outcome.state === 'completed') {
        const { measurement } = outcome;
        const verdict = measurement.valid ? '' : ` | ${measurement.verdictReasons?.[0]?.message ?? ''}`;
        this.#finished(`${measurement.valid ? 'VALID  ' : 'INVALID'} ${label(configuration, trial)} | ${headline(measurement.metrics, measurement.energy)}${verdict}`);
      } else {
        this.#finished(`FAILED  ${label(configuration, trial)} | ${outcome.failure.kind}: ${outcome.failure.message}`);
      }
    },
  };

  #finished(line: string): void {
    this.#done++;
    this.#ranNow++;
    this.progress.trialEnded(this.#done, line);
  }
}

function label(configuration: Configuration, trial: TrialSpec): string {
  return `${describe(configuration)} | ${trialLabel(trial)}`;
}

function describe(configuration: Configuration): string {
  const key = configurationKey(configuration);
  return key === '{}' ? 'defaults' : key.slice(1, -1).replace(/"/g, '');
}

function headline(metrics: Readonly<Record<string, number>>, energy: EnergyRecord | undefined): string {
  const estimated = energy?.source === 'estimate';
  const parts: string[] = [];
  if (metrics.p99_ms !== undefined) parts.push(`p99 ${metrics.p99_ms.toFixed(2)} ms`);
  if (metrics.achieved_rps !== undefined) parts.push(`${metrics.achieved_rps.toFixed(1)} req/s`);
  if (metrics.energy_j_per_inf !== undefined) parts.push(`${(metrics.energy_j_per_inf * 1000).toFixed(2)} mJ/inf${estimated ? ' (estimate)' : ''}`);
  return parts.join(', ');
}
