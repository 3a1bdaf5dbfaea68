/**
 * RAPL energy counters from /sys/class/powercap (intel-rapl zones; AMD exposes the same names). Counters
 * are cumulative microjoules that wrap at max_energy_range_uj; a window samples them periodically so a
 * wrap between two samples is undone, and the final delta sums per zone.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock, type Clock } from '../core/clock.js';
import { ServelabError, errorMessage } from '../core/errors.js';
import type { EnergyMeter, EnergyReading, EnergyWindow } from './meter.js';

export interface RaplZone {
  /** Directory name, e.g. 'intel-rapl:0' or 'intel-rapl:0:2'. */
  readonly id: string;
  /** The zone's own name, e.g. 'package-0', 'dram', 'core', 'psys'. */
  readonly name: string;
  readonly energyPath: string;
  readonly maxEnergyRangeUj: number;
  /** Counted in the total: packages, plus DRAM sub-zones (which packages do not include). */
  readonly counted: boolean;
}

export interface RaplOptions {
  /** Root of the file system to read (tests pass a fixture folder). */
  readonly rootDir?: string;
  readonly clock?: Clock;
  /** Interval between samples inside a window, short enough that no counter wraps twice. */
  readonly pollMs?: number;
}

const ZONE_PATTERN = /^intel-rapl:\d+(:\d+)?$/;

export function powercapDir(rootDir = '/'): string {
  return join(rootDir, 'sys/class/powercap');
}

/** Lists RAPL zones; throws a ServelabError naming why RAPL can't be used here. */
export function discoverRaplZones(rootDir = '/'): RaplZone[] {
  const dir = powercapDir(rootDir);
  if (!existsSync(dir)) throw new ServelabError(`RAPL is not available: ${dir} does not exist`, 'unavailable');
  const ids = readdirSync(dir).filter((entry) => ZONE_PATTERN.test(entry)).sort();
  if (ids.length === 0) throw new ServelabError(`RAPL is not available: no intel-rapl zones in ${dir}`, 'unavailable');
  const zones = ids.map((id): Omit<RaplZone, 'counted'> => {
    const zoneDir = join(dir, id);
    const name = readText(join(zoneDir, 'name'));
    const maxEnergyRangeUj = Number(readText(join(zoneDir, 'max_energy_range_uj')));
    if (!Number.isFinite(maxEnergyRangeUj) || maxEnergyRangeUj <= 0) {
      throw new ServelabError(`RAPL zone ${id}: max_energy_range_uj must be a positive number`, 'unavailable');
    }
    return { id, name, energyPath: join(zoneDir, 'energy_uj'), maxEnergyRangeUj };
  });
  const hasPackage = zones.some((zone) => isTopLevel(zone.id) && zone.name.startsWith('package'));
  return zones.map((zone) => ({ ...zone, counted: isCounted(zone, hasPackage) }));
}

function isTopLevel(id: string): boolean {
  return id.split(':').length === 2;
}

/** Packages and DRAM count; core/uncore are inside their package, psys overlaps the packages. */
function isCounted(zone: Omit<RaplZone, 'counted'>, hasPackage: boolean): boolean {
  if (!isTopLevel(zone.id)) return zone.name === 'dram';
  if (zone.name === 'psys') return !hasPackage;
  return true;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'EACCES' ? ' (RAPL counters are readable by root only on recent kernels)' : '';
    throw new ServelabError(`RAPL is not available: cannot read ${path}: ${errorMessage(error)}${hint}`, 'unavailable');
  }
}

export function readEnergyUj(zone: RaplZone): number {
  const value = Number(readText(zone.energyPath));
  if (!Number.isFinite(value) || value < 0) throw new ServelabError(`RAPL zone ${zone.id}: energy_uj is not a number`, 'unavailable');
  return value;
}

/** Energy between two counter readings, undoing one wrap at max_energy_range_uj. */
export function counterDeltaUj(beforeUj: number, afterUj: number, maxEnergyRangeUj: number): number {
  return afterUj >= beforeUj ? afterUj - beforeUj : afterUj + maxEnergyRangeUj - beforeUj;
}

/** Accumulates per-zone energy over successive samples. */
export class RaplAccumulator {
  readonly #zones: readonly RaplZone[];
  #lastUj: number[];
  readonly #totalUj: number[];

  constructor(zones: readonly RaplZone[]) {
    this.#zones = zones;
    this.#lastUj = zones.map(readEnergyUj);
    this.#totalUj = zones.map(() => 0);
  }

  sample(): void {
    const nowUj = this.#zones.map(readEnergyUj);
    nowUj.forEach((value, i) => {
      const zone = this.#zones[i]!;
      this.#totalUj[i]! += counterDeltaUj(this.#lastUj[i]!, value, zone.maxEnergyRangeUj);
    });
    this.#lastUj = nowUj;
  }

  /** Joules per zone (keyed 'id name') and the counted total. */
  joules(): { totalJ: number; domains: Record<string, number> } {
    const domains: Record<string, number> = {};
    let totalJ = 0;
    this.#zones.forEach((zone, i) => {
      const joules = this.#totalUj[i]! / 1e6;
      domains[`${zone.id} ${zone.name}`] = joules;
      if (zone.counted) totalJ += joules;
    });
    return { totalJ, domains };
  }
}

export function createRaplMeter(options: RaplOptions = {}): EnergyMeter {
  const zones = discoverRaplZones(options.rootDir);
  zones.forEach(readEnergyUj); // fail now, not mid-trial, when the counters can't be read
  const clock = options.clock ?? systemClock;
  const pollMs = options.pollMs ?? 5_000;
  return {
    name: 'rapl',
    source: 'measurement',
    scope: 'CPU packages + DRAM (whole machine)',
    start: async (): Promise<EnergyWindow> => {
      const startMs = clock.nowMs();
      const accumulator = new RaplAccumulator(zones);
      const timer = setInterval(() => accumulator.sample(), pollMs);
      timer.unref();
      return {
        stop: async (): Promise<EnergyReading> => {
          clearInterval(timer);
          accumulator.sample();
          const durationMs = clock.nowMs() - startMs;
          const { totalJ, domains } = accumulator.joules();
          return {
            meter: 'rapl',
            source: 'measurement',
            scope: 'CPU packages + DRAM (whole machine)',
            durationMs,
            energyJ: totalJ,
            powerW: durationMs > 0 ? totalJ / (durationMs / 1000) : 0,
            domains,
          };
        },
      };
    },
  };
}
