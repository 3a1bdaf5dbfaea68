/**
 * One trial on a running server: warm up (once per workload per server), then one load level with the energy
 * window, the CPU time and the server's counters around exactly the measured duration. Bounded by the trial
 * time limit; a server that exits meanwhile ends the trial as a failure with the reason.
 */
import type { Protocol } from '../core/target.js';
import type { EnergyReading } from '../energy/meter.js';
import type { LoadSummary } from '../load/summary.js';
import type { Study } from '../plan/study-schema.js';
import type { TrialMeasurement } from '../store/types.js';
import type { LoadDriver } from './load-driver.js';
import { sampleDelta, scrapeMetrics } from './prometheus.js';
import type { ServerSession } from './server-session.js';
import { TrialFailure } from './server-process.js';
import { trialMetrics, trialVerdict } from './trial-metrics.js';
import { appliedRun, guardTrial, measurementWindow, sentAndErrors, warmupSeed } from './measured-run.js';
import type { TrialDuration } from './trial-duration.js';
import type { TrialSpec } from './trial-plan.js';

export interface MeasureSettings {
  readonly study: Study;
  readonly driver: LoadDriver;
  readonly protocol: Protocol;
  /** Arrival rate for the trial's load point (stress levels resolved), when open loop. */
  readonly rateRps?: number;
  /** Measured duration: the study's, or longer when its percentiles need more requests (trial-duration.ts). */
  readonly duration: TrialDuration;
  /** The CPUs of the generator and the server, whose steal time the trial records. */
  readonly cpus?: readonly number[];
  readonly seed: number;
}

export async function measureTrial(session: ServerSession, trial: TrialSpec, settings: MeasureSettings): Promise<TrialMeasurement> {
  const { study, driver } = settings;
  const { signal, guard, dispose } = guardTrial(session, study.trialTimeoutMs, `the trial exceeded its time limit of ${study.trialTimeoutMs} ms`);
  const base = {
    target: { http: session.ready.http, grpc: session.ready.grpc },
    protocol: settings.protocol,
    model: servedModelName(session, trial.context.model),
    workload: trial.context.workload,
    point: trial.point,
    ...(settings.rateRps === undefined ? {} : { rateRps: settings.rateRps }),
    seed: settings.seed,
    signal,
    serverPid: session.process.pid,
  };
  try {
    if (!session.warmed.has(trial.context.workload) && study.load.warmupMs > 0) {
      await guard(driver.run({ ...base, seed: warmupSeed(settings.seed), durationMs: study.load.warmupMs, warmupMs: 0 }));
      session.warmed.add(trial.context.workload);
    }
    const countersBefore = await guard(scrapeMetrics(session.ready.http));
    const window = measurementWindow(session, settings.cpus);
    let summary: LoadSummary;
    let energy: EnergyReading | undefined;
    try {
      summary = await guard(driver.run({ ...base, durationMs: settings.duration.durationMs, warmupMs: IN_RUN_WARMUP_MS, onStart: window.onStart }));
    } finally {
      energy = await window.stopEnergy();
    }
    const { usage, steal } = window.usage();
    const countersAfter = await guard(scrapeMetrics(session.ready.http));
    if (session.process.exitInfo) throw session.process.failureFromExit(session.process.exitInfo, 'during the trial');
    if (summary.completed === 0) {
      throw new TrialFailure('load-error', `no request completed (${sentAndErrors(summary)}); the server is hung or rejects every request`);
    }
    const metrics: Record<string, number> = { ...trialMetrics(summary, usage, energy), ...(steal === undefined ? {} : { cpu_steal: steal }) };
    return {
      metrics,
      ...trialVerdict(summary, metrics, study, steal),
      client: summary,
      ...(countersBefore && countersAfter ? { server: sampleDelta(countersBefore, countersAfter) } : {}),
      ...(energy ? { energy } : {}),
      applied: appliedRun(session, { configuration: trial.configuration, protocol: settings.protocol, rateRps: settings.rateRps, duration: settings.duration }),
    };
  } finally {
    dispose();
  }
}

/**
 * The measured run's own first second is sent but not measured: its connections are new and the server has been
 * idle since the warm-up, and the first windows of a run were measured 20–40% slower than the rest (p50 3.5 ms
 * against 2.5–2.7 ms for mnist-cnn at 200 req/s), which the drift rule rightly called unstable.
 */
export const IN_RUN_WARMUP_MS = 1_000;

/** The name the server serves a model under (a study may name a model by its .onnx path). */
export function servedModelName(session: Pick<ServerSession, 'ready'>, studyModel: string): string {
  const served = session.ready.models;
  if (served.includes(studyModel)) return studyModel;
  return served.length === 1 ? served[0]! : studyModel;
}
