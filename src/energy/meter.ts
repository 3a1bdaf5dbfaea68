/**
 * Energy meters share one interface: open a window, close it, get one reading. Every reading names its
 * meter and says whether it is a measurement (hardware counters) or an estimate (a power model over CPU
 * time), so an estimate is never presented as a measurement.
 */
import type { EnergySource } from '../core/trial-measurement.js';

export type { EnergySource };

export const METER_NAMES = ['rapl', 'nvidia-smi', 'cpu-time-estimate'] as const;
export type MeterName = (typeof METER_NAMES)[number];

export interface EnergyReading {
  readonly meter: MeterName;
  readonly source: EnergySource;
  /** What the figure covers, e.g. 'CPU packages + DRAM (whole machine)', 'server process'. */
  readonly scope: string;
  readonly durationMs: number;
  /** Total energy over the window, idle share included where the meter models one. */
  readonly energyJ: number;
  /** energyJ / duration. */
  readonly powerW: number;
  /** Estimate only: the modelled idle power included in energyJ, reported separately. */
  readonly idlePowerW?: number;
  readonly idleEnergyJ?: number;
  /** Estimate only: mean busy cores of the server process over the window. */
  readonly busyCores?: number;
  /** Joules per RAPL zone or per GPU. */
  readonly domains?: Readonly<Record<string, number>>;
}

/** An open measurement window. */
export interface EnergyWindow {
  stop(): Promise<EnergyReading>;
}

export interface EnergyMeter {
  readonly name: MeterName;
  readonly source: EnergySource;
  readonly scope: string;
  /** Opens a window now; several windows may be open at once. */
  start(): Promise<EnergyWindow>;
}

/** Energy per inference for a window, or undefined when nothing completed. */
export function joulesPerInference(reading: EnergyReading, inferences: number): number | undefined {
  return inferences > 0 ? reading.energyJ / inferences : undefined;
}
