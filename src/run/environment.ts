/** The machine a study ran on, as stored beside its trials. */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { PowerModel } from '../energy/estimate.js';
import type { EnergyMeter } from '../energy/meter.js';
import type { OsCapabilities } from '../knobs/detect.js';
import { isOsKnob } from '../knobs/detect.js';
import type { EnvironmentRecord } from '../store/types.js';

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
    cores: input.capabilities.allowedCpus.length || cpus.length,
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
      ...(isVm === undefined ? {} : { virtualized: isVm }),
      hostname: os.hostname(),
    },
  };
}
