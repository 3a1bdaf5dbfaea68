/**
 * What one measured run on a trial server needs, whether it loads one model (measure-trial.ts) or a co-served
 * group (measure-mix.ts): the trial's time limit and the server's exit as failures, and the energy window, CPU
 * time, peak memory and steal around exactly the measured part of the run.
 */
import type { Protocol } from '../core/target.js';
import type { AppliedRecord } from '../core/trial-measurement.js';
import type { Configuration } from '../core/space.js';
import type { EnergyReading, EnergyWindow } from '../energy/meter.js';
import { readPeakRssMb, readProcessCpuSeconds } from '../energy/proc.js';
import type { LoadSummary } from '../load/summary.js';
import { readCpuTimes, stealShare, type CpuTimes } from './cpu-steal.js';
import { TrialFailure } from './server-process.js';
import type { ServerSession } from './server-session.js';
import type { TrialDuration } from './trial-duration.js';
import type { ProcessUsage } from './trial-metrics.js';

export interface TrialGuard {
  /** Aborted when the trial runs out of time or the server exits. */
  readonly signal: AbortSignal;
  /** Races work against the time limit and the server's exit; a failure caused by the server's death is reported as that. */
  guard<T>(work: Promise<T>): Promise<T>;
  dispose(): void;
}

export function guardTrial(session: ServerSession, timeoutMs: number, timeoutMessage: string): TrialGuard {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new TrialFailure('timeout', timeoutMessage));
    }, timeoutMs);
  });
  const serverGone = session.process.exited.then((exit) => {
    controller.abort();
    throw session.process.failureFromExit(exit, 'during the trial');
  });
  limit.catch(() => undefined);
  serverGone.catch(() => undefined);
  return {
    signal: controller.signal,
    guard: <T>(work: Promise<T>): Promise<T> =>
      Promise.race([work, limit, serverGone]).catch(async (error: unknown) => {
        // A load run that fails because the server just died (refused connections) is reported as the server's
        // failure: give its exit a moment to arrive.
        await Promise.race([session.process.exited, new Promise((resolve) => setTimeout(resolve, 500))]);
        const exit = session.process.exitInfo;
        throw exit && !(error instanceof TrialFailure && error.kind === 'timeout') ? session.process.failureFromExit(exit, 'during the trial') : error;
      }),
    dispose: () => clearTimeout(timer),
  };
}

export interface MeasurementWindow {
  /** The generator's onStart: the measured part of the run begins. */
  readonly onStart: () => void;
  /** Stops the energy meter; call once the run has ended, failed or not. */
  stopEnergy(): Promise<EnergyReading | undefined>;
  /** The server's CPU use and peak memory, and the CPUs' steal, since onStart. */
  usage(): { readonly usage?: ProcessUsage; readonly steal?: number };
}

/**
 * The energy window and the CPU time cover the measured load itself: they start when the generator reports the
 * measured part begun, not while it connects and prepares its requests (a varying part of a second).
 */
export function measurementWindow(session: ServerSession, cpus: readonly number[] | undefined): MeasurementWindow {
  const pid = session.process.pid;
  let window: Promise<EnergyWindow> | undefined;
  let startedMs: number | undefined;
  let cpuBefore: number | undefined;
  let cpuTimesBefore: CpuTimes | undefined;
  return {
    onStart: () => {
      startedMs = performance.now();
      cpuTimesBefore = readCpuTimes(cpus);
      cpuBefore = safeCpuSeconds(pid);
      window = session.meter?.start();
      window?.catch(() => undefined);
    },
    stopEnergy: async () => (window ? await window.then((started) => started.stop()).catch(() => undefined) : undefined),
    usage: () => {
      const windowMs = startedMs === undefined ? 0 : performance.now() - startedMs;
      const steal = stealShare(cpuTimesBefore, readCpuTimes(cpus));
      const cpuAfter = safeCpuSeconds(pid);
      const peakRssMb = readPeakRssMb(pid);
      const usage = cpuBefore !== undefined && cpuAfter !== undefined ? { cpuSeconds: cpuAfter - cpuBefore, windowMs, ...(peakRssMb === undefined ? {} : { peakRssMb }) } : undefined;
      return { ...(usage ? { usage } : {}), ...(steal === undefined ? {} : { steal }) };
    },
  };
}

/** The knobs and settings a measured run applied, as every measurement of it stores them. */
export function appliedRun(
  session: ServerSession,
  run: { readonly configuration: Configuration; readonly protocol: Protocol; readonly rateRps: number | undefined; readonly duration: TrialDuration },
): AppliedRecord {
  return {
    configuration: run.configuration,
    os: session.appliedOsKnobs,
    server: session.serverConfig,
    protocol: run.protocol,
    ...(run.rateRps === undefined ? {} : { rateRps: run.rateRps }),
    durationMs: run.duration.durationMs,
    ...(run.duration.extendedFromMs === undefined ? {} : { durationExtended: run.duration.reason }),
    serverStartupMs: session.ready.startupMs,
    ...(session.ready.threadPlacement === undefined ? {} : { threadPlacement: session.ready.threadPlacement }),
  };
}

/** "120 sent: 80 timeout, 40 http-503": what became of the requests of a run where none completed. */
export function sentAndErrors(summary: Pick<LoadSummary, 'requests' | 'errors'>): string {
  const kinds = Object.entries(summary.errors.byKind).map(([kind, count]) => `${count} ${kind}`).join(', ');
  return `${summary.requests} sent${kinds ? `: ${kinds}` : ''}`;
}

/** The warm-up's own sample order: the measured run must not replay the warm-up's requests (a response cache would hit them). */
export function warmupSeed(seed: number): number {
  return seed + 1_000_003;
}

function safeCpuSeconds(pid: number): number | undefined {
  try {
    return readProcessCpuSeconds(pid);
  } catch {
    return undefined;
  }
}
