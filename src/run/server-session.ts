/**
 * A started server for a run of trials: the process (OS knobs applied), its ready address, and its energy
 * meter. Start-up problems come back as TrialFailure with the reason.
 */
import type { Configuration } from '../core/space.js';
import { errorMessage, isServelabError } from '../core/errors.js';
import { DEFAULT_POWER_MODEL, type PowerModel } from '../energy/estimate.js';
import type { EnergyMeter } from '../energy/meter.js';
import { createMeter, resolveMeterChoice, type MeterChoice } from '../energy/select.js';
import { osKnobValues, prepareOsKnobs, type AppliedOsKnob, type OsKnobLaunch } from '../knobs/apply.js';
import { commandOnPath } from '../knobs/cpus.js';
import type { OsCapabilities } from '../knobs/detect.js';
import type { Study } from '../plan/study-schema.js';
import { planCpuLayout, type CpuLayout } from './cpu-layout.js';
import { planLaunch, type LaunchPlan } from './launch.js';
import { ServerProcess, TrialFailure, type ReadyInfo } from './server-process.js';

export interface SessionSettings {
  readonly study: Study;
  /** The OS knobs as the server sees them: its CPUs are the layout's server share. */
  readonly capabilities: OsCapabilities;
  readonly layout: CpuLayout;
  readonly meterChoice: MeterChoice;
  readonly powerModel?: PowerModel;
  readonly readyTimeoutMs: number;
}

const METER_CHOICE: Record<Study['energy']['meter'], MeterChoice> = { auto: 'auto', rapl: 'rapl', nvidia: 'nvidia-smi', estimate: 'cpu-time-estimate' };

/** How a study's servers are started and metered on this machine, and which CPUs they get. */
export function sessionSettingsFor(study: Study, capabilities: OsCapabilities, readyTimeoutMs: number): SessionSettings {
  const layout = planCpuLayout({ allowedCpus: capabilities.allowedCpus, generatorCpus: study.isolation.generatorCpus, canPin: commandOnPath('taskset') });
  return {
    study,
    capabilities: { ...capabilities, allowedCpus: layout.serverCpus },
    layout,
    meterChoice: METER_CHOICE[study.energy.meter],
    powerModel: study.energy.powerModel ?? DEFAULT_POWER_MODEL,
    readyTimeoutMs,
  };
}

export interface ServerSession {
  readonly process: ServerProcess;
  readonly ready: ReadyInfo;
  /** Absent for a server servelab did not start when only the CPU-time estimate is available (no pid to read). */
  readonly meter?: EnergyMeter;
  readonly appliedOsKnobs: readonly AppliedOsKnob[];
  readonly serverConfig?: unknown;
  /** Workloads already warmed up on this server. */
  readonly warmed: Set<string>;
  stop(): Promise<void>;
}

/** `coServed`: every model of a co-served group (model is its first), served together by the one server. */
export async function startSession(settings: SessionSettings, configuration: Configuration, model: string, coServed?: readonly string[]): Promise<ServerSession> {
  const target = settings.study.target;
  if (target.kind === 'external' && !target.launch) return remoteSession(settings, target.url, coServed ?? [model]);
  let plan: LaunchPlan;
  let osKnobs: OsKnobLaunch;
  try {
    plan = await planLaunch(settings.study, configuration, model, settings.readyTimeoutMs, coServed);
  } catch (error) {
    throw new TrialFailure('invalid-config', `the configuration can't be applied to the server: ${oneLine(error)}`);
  }
  try {
    osKnobs = prepareOsKnobs(osKnobValues(configuration), plan.argv, settings.capabilities, settings.layout.isolated ? { confineToCpus: settings.layout.serverCpus } : {});
  } catch (error) {
    plan.cleanup();
    throw new TrialFailure('invalid-config', `the OS knobs can't be applied: ${oneLine(error)}`);
  }
  let launched: { server: ServerProcess; ready: ReadyInfo };
  try {
    launched = await ServerProcess.launch({
      argv: plan.argv,
      osKnobs,
      readyTimeoutMs: plan.readyTimeoutMs,
      ...(plan.readiness.kind === 'url' ? { pollUrl: { url: plan.readiness.url, target: plan.readiness.target } } : {}),
    });
  } catch (error) {
    plan.cleanup();
    throw error instanceof TrialFailure ? error : new TrialFailure('crash', `the server could not be started: ${oneLine(error)}`);
  }
  const { server, ready } = launched;
  let meter: EnergyMeter;
  try {
    meter = await createMeter({ choice: settings.meterChoice, pid: server.pid, ...(settings.powerModel ? { powerModel: settings.powerModel } : {}) });
  } catch (error) {
    await server.stop();
    plan.cleanup();
    throw new TrialFailure('crash', `the energy meter could not start: ${oneLine(error)}`);
  }
  return {
    process: server,
    ready,
    meter,
    appliedOsKnobs: osKnobs.applied,
    ...(plan.serverConfig === undefined ? {} : { serverConfig: plan.serverConfig }),
    warmed: new Set(),
    stop: async () => {
      await server.stop();
      plan.cleanup();
    },
  };
}

export function oneLine(error: unknown): string {
  const message = isServelabError(error) ? error.message : errorMessage(error);
  return message.split('\n').map((line) => line.trim()).filter(Boolean).join('; ');
}

/** An external server that runs on its own at a fixed URL: loaded as it is; energy only from a machine meter. */
async function remoteSession(settings: SessionSettings, url: string, models: readonly string[]): Promise<ServerSession> {
  const ready: ReadyInfo = url.startsWith('grpc://')
    ? { http: url.replace(/^grpc:/, 'http:'), grpc: url.slice('grpc://'.length), models: [...models], startupMs: 0 }
    : { http: url.replace(/\/$/, ''), grpc: null, models: [...models], startupMs: 0 };
  let meter: EnergyMeter | undefined;
  try {
    const resolved = await resolveMeterChoice(settings.meterChoice);
    if (resolved !== 'cpu-time-estimate') meter = await createMeter({ choice: resolved, pid: -1 });
  } catch (error) {
    throw new TrialFailure('crash', `the energy meter could not start: ${oneLine(error)}`);
  }
  return { process: ServerProcess.remote(), ready, ...(meter ? { meter } : {}), appliedOsKnobs: [], warmed: new Set(), stop: async () => undefined };
}
