/**
 * One trial on a running server: warm up (once per workload per server), then one load level with the energy
 * window, the CPU time and the server's counters around exactly the measured duration. Bounded by the trial
 * time limit; a server that exits meanwhile ends the trial as a failure with the reason.
 */
import type { Protocol } from '../core/target.js';
import { readPeakRssMb, readProcessCpuSeconds } from '../energy/proc.js';
import type { EnergyReading, EnergyWindow } from '../energy/meter.js';
import type { LoadSummary } from '../load/summary.js';
import type { Study } from '../plan/study-schema.js';
import type { TrialMeasurement } from '../store/types.js';
import type { LoadDriver } from './load-driver.js';
import { sampleDelta, scrapeMetrics } from './prometheus.js';
import type { ServerSession } from './server-session.js';
import { TrialFailure } from './server-process.js';
import { constraintReasons, trialMetrics } from './trial-metrics.js';
import { NOTABLE_STEAL, readCpuTimes, stealReason, stealShare, type CpuTimes } from './cpu-steal.js';
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
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new TrialFailure('timeout', `the trial exceeded its time limit of ${study.trialTimeoutMs} ms`));
    }, study.trialTimeoutMs);
  });
  const serverGone = session.process.exited.then((exit) => {
    controller.abort();
    throw session.process.failureFromExit(exit, 'during the trial');
  });
  const guard = <T>(work: Promise<T>): Promise<T> =>
    Promise.race([work, limit, serverGone]).catch(async (error: unknown) => {
      // A load run that fails because the server just died (refused connections) is reported as the server's
      // failure: give its exit a moment to arrive.
      await Promise.race([session.process.exited, new Promise((resolve) => setTimeout(resolve, 500))]);
      const exit = session.process.exitInfo;
      throw exit && !(error instanceof TrialFailure && error.kind === 'timeout') ? session.process.failureFromExit(exit, 'during the trial') : error;
    });
  limit.catch(() => undefined);
  serverGone.catch(() => undefined);

  const base = {
    target: { http: session.ready.http, grpc: session.ready.grpc },
    protocol: settings.protocol,
    model: servedModelName(session, trial.context.model),
    workload: trial.context.workload,
    point: trial.point,
    ...(settings.rateRps === undefined ? {} : { rateRps: settings.rateRps }),
    seed: settings.seed,
    signal: controller.signal,
    serverPid: session.process.pid,
  };
  try {
    if (!session.warmed.has(trial.context.workload) && study.load.warmupMs > 0) {
      // Its own sample order: the measured run must not replay the warm-up's requests (a response cache would hit them).
      await guard(driver.run({ ...base, seed: warmupSeed(settings.seed), durationMs: study.load.warmupMs, warmupMs: 0 }));
      session.warmed.add(trial.context.workload);
    }
    const pid = session.process.pid;
    const countersBefore = await guard(scrapeMetrics(session.ready.http));
    // The energy window and the CPU time cover the measured load itself: they start when the generator reports
    // the measured part begun, not while it connects and prepares its requests (a varying part of a second).
    let window: Promise<EnergyWindow> | undefined;
    let cpuBefore: number | undefined;
    let startedMs: number | undefined;
    let cpuTimesBefore: CpuTimes | undefined;
    const onStart = (): void => {
      startedMs = performance.now();
      cpuTimesBefore = readCpuTimes(settings.cpus);
      cpuBefore = safeCpuSeconds(pid);
      window = session.meter?.start();
      window?.catch(() => undefined);
    };
    let summary: LoadSummary;
    let energy: EnergyReading | undefined;
    try {
      summary = await guard(driver.run({ ...base, durationMs: settings.duration.durationMs, warmupMs: IN_RUN_WARMUP_MS, onStart }));
    } finally {
      energy = window ? await window.then((started) => started.stop()).catch(() => undefined) : undefined;
    }
    const windowMs = startedMs === undefined ? 0 : performance.now() - startedMs;
    const steal = stealShare(cpuTimesBefore, readCpuTimes(settings.cpus));
    const cpuAfter = safeCpuSeconds(pid);
    const peakRssMb = readPeakRssMb(pid);
    const countersAfter = await guard(scrapeMetrics(session.ready.http));
    if (session.process.exitInfo) throw session.process.failureFromExit(session.process.exitInfo, 'during the trial');
    if (summary.completed === 0) {
      const kinds = Object.entries(summary.errors.byKind).map(([kind, count]) => `${count} ${kind}`).join(', ');
      throw new TrialFailure('load-error', `no request completed (${summary.requests} sent${kinds ? `: ${kinds}` : ''}); the server is hung or rejects every request`);
    }
    const usage = cpuBefore !== undefined && cpuAfter !== undefined ? { cpuSeconds: cpuAfter - cpuBefore, windowMs, ...(peakRssMb === undefined ? {} : { peakRssMb }) } : undefined;
    const metrics: Record<string, number> = { ...trialMetrics(summary, usage, energy), ...(steal === undefined ? {} : { cpu_steal: steal }) };
    const constraints = constraintReasons(metrics, study.constraints);
    const valid = summary.valid && constraints.length === 0;
    const machine = !valid && steal !== undefined && steal > NOTABLE_STEAL ? [stealReason(steal)] : [];
    return {
      metrics,
      valid,
      verdictReasons: [...summary.reasons, ...constraints, ...machine],
      client: summary,
      ...(countersBefore && countersAfter ? { server: sampleDelta(countersBefore, countersAfter) } : {}),
      ...(energy ? { energy } : {}),
      applied: {
        configuration: trial.configuration,
        os: session.appliedOsKnobs,
        server: session.serverConfig,
        protocol: settings.protocol,
        rateRps: settings.rateRps,
        durationMs: settings.duration.durationMs,
        ...(settings.duration.extendedFromMs === undefined ? {} : { durationExtended: settings.duration.reason }),
        serverStartupMs: session.ready.startupMs,
        ...(session.ready.threadPlacement === undefined ? {} : { threadPlacement: session.ready.threadPlacement }),
      },
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The measured run's own first second is sent but not measured: its connections are new and the server has been
 * idle since the warm-up, and the first windows of a run were measured 20–40% slower than the rest (p50 3.5 ms
 * against 2.5–2.7 ms for mnist-cnn at 200 req/s), which the drift rule rightly called unstable.
 */
export const IN_RUN_WARMUP_MS = 1_000;

function warmupSeed(seed: number): number {
  return seed + 1_000_003;
}

function safeCpuSeconds(pid: number): number | undefined {
  try {
    return readProcessCpuSeconds(pid);
  } catch {
    return undefined;
  }
}

/** The name the server serves a model under (a study may name a model by its .onnx path). */
export function servedModelName(session: Pick<ServerSession, 'ready'>, studyModel: string): string {
  const served = session.ready.models;
  if (served.includes(studyModel)) return studyModel;
  return served.length === 1 ? served[0]! : studyModel;
}
