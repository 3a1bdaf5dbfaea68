/**
 * The CPU-time energy estimate, for machines without energy counters: the server process's CPU time over
 * all its threads, priced by an explicit linear power model. It is an estimate and is labelled so in every
 * reading; the modelled idle power is included in the total and also reported on its own.
 *
 *   busyCores = cpuSeconds / windowSeconds
 *   energyJ   = idleW * windowSeconds + perCoreW * cpuSeconds
 *
 * Defaults: idleW = 10 W (the idle share of a server socket attributed to the serving process) and
 * perCoreW = 12 W (one fully busy core of a ~190 W, 16-core x86 server CPU). Calibrate both against RAPL
 * on the target hardware and pass them in the study (energy.powerModel) for figures that mean watts.
 */
import { systemClock, type Clock } from '../core/clock.js';
import { ServelabError } from '../core/errors.js';
import type { EnergyMeter, EnergyReading, EnergyWindow } from './meter.js';
import { readProcessCpuSeconds, type ProcOptions } from './proc.js';

export interface PowerModel {
  readonly idleW: number;
  readonly perCoreW: number;
}

export const DEFAULT_POWER_MODEL: PowerModel = { idleW: 10, perCoreW: 12 };

export interface EnergyEstimate {
  readonly busyCores: number;
  readonly idleEnergyJ: number;
  readonly activeEnergyJ: number;
  readonly energyJ: number;
  readonly powerW: number;
}

export function validatePowerModel(model: PowerModel): PowerModel {
  for (const [key, value] of Object.entries(model)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new ServelabError(`energy.powerModel.${key}: expected a non-negative number of watts, got ${value}`);
    }
  }
  return model;
}

/** The power model applied to a window of CPU time. */
export function estimateEnergy(cpuSeconds: number, durationMs: number, model: PowerModel = DEFAULT_POWER_MODEL): EnergyEstimate {
  const seconds = durationMs / 1000;
  const idleEnergyJ = model.idleW * seconds;
  const activeEnergyJ = model.perCoreW * cpuSeconds;
  const energyJ = idleEnergyJ + activeEnergyJ;
  return {
    busyCores: seconds > 0 ? cpuSeconds / seconds : 0,
    idleEnergyJ,
    activeEnergyJ,
    energyJ,
    powerW: seconds > 0 ? energyJ / seconds : 0,
  };
}

export interface EstimateOptions extends ProcOptions {
  readonly pid: number;
  readonly powerModel?: PowerModel;
  readonly clock?: Clock;
  /** Reads the process's CPU seconds; defaults to /proc/<pid>/stat. */
  readonly readCpuSeconds?: (pid: number) => number;
}

export function createCpuTimeEstimateMeter(options: EstimateOptions): EnergyMeter {
  const model = validatePowerModel(options.powerModel ?? DEFAULT_POWER_MODEL);
  const clock = options.clock ?? systemClock;
  const readCpuSeconds = options.readCpuSeconds ?? ((pid: number) => readProcessCpuSeconds(pid, options));
  const scope = `server process ${options.pid} (idle ${model.idleW} W + ${model.perCoreW} W per busy core)`;
  readCpuSeconds(options.pid); // fail at creation when the process can't be read
  return {
    name: 'cpu-time-estimate',
    source: 'estimate',
    scope,
    start: async (): Promise<EnergyWindow> => {
      const startCpuSeconds = readCpuSeconds(options.pid);
      const startMs = clock.nowMs();
      return {
        stop: async (): Promise<EnergyReading> => {
          const cpuSeconds = readCpuSeconds(options.pid) - startCpuSeconds;
          const durationMs = clock.nowMs() - startMs;
          const estimate = estimateEnergy(cpuSeconds, durationMs, model);
          return {
            meter: 'cpu-time-estimate',
            source: 'estimate',
            scope,
            durationMs,
            energyJ: estimate.energyJ,
            powerW: estimate.powerW,
            idlePowerW: model.idleW,
            idleEnergyJ: estimate.idleEnergyJ,
            busyCores: estimate.busyCores,
          };
        },
      };
    },
  };
}
