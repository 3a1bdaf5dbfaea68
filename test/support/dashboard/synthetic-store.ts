/**
 * A study store written through the store's own API without running anything: a full factorial of knobs in a
 * few environments, each trial completed with a measurement shaped like a real one (a load summary with its
 * per-window series, an energy reading, applied knobs). For the dashboard's tests and its benchmark.
 */
import { createRng } from '../../../src/core/random.js';
import type { Configuration, KnobValue } from '../../../src/core/space.js';
import type { TrialContext } from '../../../src/core/trial.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';
import type { PlannedTrial, ResultsStore, TrialMeasurement } from '../../../src/store/types.js';
import { simulatedSummary } from './fake-driver.js';

export const SYNTHETIC_STUDY_YAML = `name: synthetic
models: [mnist-cnn]
workloads: [mnist-digits]
knobs:
  instances: [1, 2, 4]
  batching.enabled: [false, true]
  ort.intraOpThreads: [1, 2]
load:
  pattern: constant
  rates: [100, 200]
objectives:
  - { metric: p99_ms, direction: min }
  - { metric: energy_j_per_inf, direction: min }
energy: { meter: estimate }
`;

export interface SyntheticStoreOptions {
  readonly studyId?: string;
  readonly knobs?: Readonly<Record<string, readonly KnobValue[]>>;
  readonly contexts?: readonly TrialContext[];
  readonly repetitions?: number;
  /** Stop after this many trials (the rest stay planned). */
  readonly trials?: number;
  /** Every n-th trial fails (0: none). */
  readonly failEvery?: number;
  readonly seed?: number;
}

export const DEFAULT_KNOBS = { instances: [1, 2, 4], 'batching.enabled': [false, true], 'ort.intraOpThreads': [1, 2] } as const;
export const DEFAULT_CONTEXTS: readonly TrialContext[] = [
  { model: 'mnist-cnn', workload: 'mnist-digits', load: 'constant@100rps' },
  { model: 'mnist-cnn', workload: 'mnist-digits', load: 'constant@200rps' },
];

export function fullFactorial(knobs: Readonly<Record<string, readonly KnobValue[]>>): Configuration[] {
  let configurations: Record<string, KnobValue>[] = [{}];
  for (const [name, levels] of Object.entries(knobs)) configurations = configurations.flatMap((c) => levels.map((level) => ({ ...c, [name]: level })));
  return configurations;
}

/** Plans every trial (configurations x contexts x repetitions) in one study and returns them in plan order. */
export function planSyntheticStudy(store: ResultsStore, options: SyntheticStoreOptions = {}): PlannedTrial[] {
  const studyId = options.studyId ?? 'synthetic';
  store.openStudy({ studyId, definitionHash: 'synthetic', definition: {}, sourceText: SYNTHETIC_STUDY_YAML.replace('name: synthetic', `name: ${studyId}`), seed: options.seed ?? 1 });
  const planned: PlannedTrial[] = [];
  const configurations = fullFactorial(options.knobs ?? DEFAULT_KNOBS);
  for (let repetition = 0; repetition < (options.repetitions ?? 1); repetition++) {
    for (const configuration of configurations) {
      for (const context of options.contexts ?? DEFAULT_CONTEXTS) {
        planned.push({ trialId: `t-${planned.length}`, studyId, configuration, context, repetition });
      }
    }
  }
  store.setExpectedTrials(studyId, planned.length);
  store.planTrials(planned);
  return planned;
}

/** Runs (start, then complete or fail) one planned trial with a synthetic measurement. */
export function finishSyntheticTrial(store: ResultsStore, trial: PlannedTrial, index: number, options: SyntheticStoreOptions = {}): void {
  store.startTrial(trial.trialId);
  if (options.failEvery && index % options.failEvery === options.failEvery - 1) {
    store.failTrial(trial.trialId, { kind: 'crash', reason: `the server exited with code 1 before it was ready (synthetic failure ${index})` });
    return;
  }
  store.completeTrial(trial.trialId, syntheticMeasurement(trial, options.seed ?? 1));
}

export function syntheticMeasurement(trial: PlannedTrial, seed: number): TrialMeasurement {
  const knobs = trial.configuration;
  const rng = createRng(seed + trial.repetition, `${trial.trialId}`);
  const salt = Object.entries(knobs).reduce((sum, [name, value], index) => sum + (name.length + String(value).length * 7) * (index + 3) * (Number(value) || (value ? 2 : 1)), 0);
  const rateRps = Number.parseFloat(trial.context.load.split('@')[1] ?? '') || 100;
  const client = simulatedSummary({ durationMs: 10_000, warmupMs: 1000, rateRps, seed: seed + trial.repetition, model: trial.context.model, workload: trial.context.workload }, salt);
  const energyJ = (10 + 12 * (Number(knobs.instances) || 1) * 0.3) * 10 * (1 + 0.05 * rng.normal());
  const requests = client.completed;
  const metrics: Record<string, number> = {
    p50_ms: client.latencyMs?.p50 ?? 0,
    p99_ms: client.latencyMs?.p99 ?? 0,
    mean_ms: client.latencyMs?.mean ?? 0,
    achieved_rps: client.achievedRps,
    error_rate: 0,
    energy_j: energyJ,
    power_w: energyJ / 10,
    energy_j_per_inf: energyJ / requests,
  };
  return {
    metrics,
    valid: client.valid,
    verdictReasons: client.reasons,
    client,
    server: { ort_inference_total: requests, http_requests_total: requests + 4 },
    energy: { meter: 'cpu-time-estimate', source: 'estimate', scope: 'server process (idle 10 W + 12 W per busy core)', durationMs: 10_000, energyJ, powerW: energyJ / 10, idlePowerW: 10, idleEnergyJ: 100, busyCores: 0.3 },
    applied: {
      configuration: knobs,
      os: [{ knob: 'os.cpuCores', requested: 1, applied: 'taskset -c 0', method: 'taskset' }],
      protocol: 'kserve-http',
      rateRps,
      durationMs: 10_000,
      serverStartupMs: 640,
    },
  };
}

/** A whole synthetic study in an SQLite file: every planned trial finished, or the first `trials` of them. */
export function writeSyntheticStore(path: string, options: SyntheticStoreOptions = {}): PlannedTrial[] {
  const store = openSqliteStore(path);
  try {
    const planned = planSyntheticStudy(store, options);
    planned.slice(0, options.trials ?? planned.length).forEach((trial, index) => finishSyntheticTrial(store, trial, index, options));
    return planned;
  } finally {
    store.close();
  }
}
