/**
 * Meter choice. `auto` takes RAPL where its counters can be read and otherwise the CPU-time estimate;
 * nvidia-smi is used when asked for (the embedded server runs on the CPU; GPU targets are external).
 */
import type { Clock } from '../core/clock.js';
import { ServelabError, errorMessage } from '../core/errors.js';
import { createCpuTimeEstimateMeter, type PowerModel } from './estimate.js';
import { METER_NAMES, type EnergyMeter, type MeterName } from './meter.js';
import { createNvidiaMeter, queryGpus, runCommand, type RunCommand } from './nvidia.js';
import { createRaplMeter, discoverRaplZones, readEnergyUj } from './rapl.js';

export type MeterChoice = 'auto' | MeterName;
export const METER_CHOICES: readonly MeterChoice[] = ['auto', ...METER_NAMES];

export interface MeterCapability {
  readonly meter: MeterName;
  readonly available: boolean;
  /** Why not, when unavailable. */
  readonly reason?: string;
}

export interface MeterEnvironment {
  /** File system root for /sys (fixtures in tests). */
  readonly rootDir?: string;
  readonly procDir?: string;
  readonly run?: RunCommand;
  readonly clock?: Clock;
}

export async function detectMeters(env: MeterEnvironment = {}): Promise<MeterCapability[]> {
  const rapl = (() => {
    try {
      discoverRaplZones(env.rootDir).forEach(readEnergyUj);
      return { meter: 'rapl' as const, available: true };
    } catch (error) {
      return { meter: 'rapl' as const, available: false, reason: errorMessage(error) };
    }
  })();
  let nvidia: MeterCapability;
  try {
    await queryGpus(env.run ?? runCommand);
    nvidia = { meter: 'nvidia-smi', available: true };
  } catch (error) {
    nvidia = { meter: 'nvidia-smi', available: false, reason: errorMessage(error) };
  }
  return [rapl, nvidia, { meter: 'cpu-time-estimate', available: true }];
}

/** The meter `auto` resolves to here. */
export async function resolveMeterChoice(choice: MeterChoice, env: MeterEnvironment = {}): Promise<MeterName> {
  if (choice !== 'auto') return choice;
  const capabilities = await detectMeters(env);
  return capabilities.find((capability) => capability.meter === 'rapl')?.available ? 'rapl' : 'cpu-time-estimate';
}

export interface MeterRequest extends MeterEnvironment {
  readonly choice: MeterChoice;
  /** The server process, for the CPU-time estimate. */
  readonly pid: number;
  readonly powerModel?: PowerModel;
}

/** Creates the chosen meter; a meter that can't work here is a ServelabError saying why. */
export async function createMeter(request: MeterRequest): Promise<EnergyMeter> {
  if (!(METER_CHOICES as readonly string[]).includes(request.choice)) {
    throw new ServelabError(`unknown energy meter '${request.choice}'; expected one of ${METER_CHOICES.join(', ')}`);
  }
  const name = await resolveMeterChoice(request.choice, request);
  switch (name) {
    case 'rapl':
      return createRaplMeter({ ...(request.rootDir ? { rootDir: request.rootDir } : {}), ...(request.clock ? { clock: request.clock } : {}) });
    case 'nvidia-smi':
      return createNvidiaMeter({ ...(request.run ? { run: request.run } : {}), ...(request.clock ? { clock: request.clock } : {}) });
    case 'cpu-time-estimate':
      return createCpuTimeEstimateMeter({
        pid: request.pid,
        ...(request.powerModel ? { powerModel: request.powerModel } : {}),
        ...(request.procDir ? { procDir: request.procDir } : {}),
        ...(request.clock ? { clock: request.clock } : {}),
      });
  }
}
