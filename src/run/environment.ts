/** The machine a study ran on, as stored beside its trials. */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { PowerModel } from '../energy/estimate.js';
import type { EnergyMeter } from '../energy/meter.js';
import type { OsCapabilities } from '../knobs/detect.js';
import { isOsKnob } from '../knobs/detect.js';
import { resolveMeterChoice } from '../energy/select.js';
import type { EnvironmentRecord } from '../store/types.js';
import { describeCpuLayout, type CpuLayout } from './cpu-layout.js';
import type { SessionSettings } from './server-session.js';

function onnxRuntimeVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require('onnxruntime-node/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function virtualized(): boolean | undefined {
  try {
    return /^flags\s*:.*\bhypervisor\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return undefined;
  }
}

export interface EnvironmentInput {
  readonly meter: Pick<EnergyMeter, 'name' | 'source' | 'scope'>;
  readonly powerModel?: PowerModel;
  readonly capabilities: OsCapabilities;
  readonly knobNames: readonly string[];
  readonly layout?: CpuLayout;
}

/** This machine as a study's trials see it: the meter its settings resolve to, the power model, the OS knobs. */
export async function studyEnvironment(settings: SessionSettings): Promise<EnvironmentRecord> {
  const name = await resolveMeterChoice(settings.meterChoice);
  const estimated = name === 'cpu-time-estimate';
  const scope = estimated ? 'server process CPU time x power model (an estimate, not a measurement)' : name === 'rapl' ? 'CPU packages + DRAM (whole machine)' : 'GPUs';
  return describeEnvironment({
    meter: { name, source: estimated ? 'estimate' : 'measurement', scope },
    ...(settings.powerModel ? { powerModel: settings.powerModel } : {}),
    capabilities: settings.capabilities,
    knobNames: Object.keys(settings.study.knobs),
    layout: settings.layout,
  });
}

export function describeEnvironment(input: EnvironmentInput): EnvironmentRecord {
  const cpus = os.cpus();
  const knobNotes = input.knobNames.filter(isOsKnob).map((knob) => {
    const capability = input.capabilities.knobs[knob];
    return { knob, note: capability.emulated ?? `applied with ${capability.method ?? 'nothing (unavailable)'}`, emulated: capability.emulated !== undefined };
  });
  const isVm = virtualized();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: new Set([...input.capabilities.allowedCpus, ...(input.layout?.generatorCpus ?? [])]).size || cpus.length,
    memoryMb: Math.round(os.totalmem() / (1024 * 1024)),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    nodeVersion: process.version,
    ortVersion: onnxRuntimeVersion(),
    meter: input.meter.name,
    details: {
      energyMeter: {
        name: input.meter.name,
        estimated: input.meter.source === 'estimate',
        description: input.meter.scope,
        ...(input.meter.source === 'estimate' && input.powerModel ? { powerModel: input.powerModel, idlePowerW: input.powerModel.idleW } : {}),
      },
      knobNotes,
      ...(input.layout ? { cpuLayout: { ...input.layout, description: describeCpuLayout(input.layout) } } : {}),
      ...(isVm === undefined ? {} : { virtualized: isVm }),
      hostname: os.hostname(),
    },
  };
}
