/**
 * NVIDIA GPU energy through nvidia-smi. Where the driver exposes total_energy_consumption (mJ since the
 * driver loaded, Volta and newer) the window is the counter delta; otherwise power.draw is sampled during
 * the window and integrated (trapezoids). The command runner is injectable so tests parse fixed output.
 */
import { execFile } from 'node:child_process';
import { systemClock, type Clock } from '../core/clock.js';
import { ServelabError, errorMessage } from '../core/errors.js';
import type { EnergyMeter, EnergyReading, EnergyWindow } from './meter.js';

export type RunCommand = (file: string, args: readonly string[]) => Promise<string>;

export interface GpuSample {
  readonly index: number;
  readonly name: string;
  /** Undefined where the driver reports [N/A] / [Not Supported]. */
  readonly powerW: number | undefined;
  readonly totalEnergyMj: number | undefined;
}

export const NVIDIA_QUERY_ARGS = [
  '--query-gpu=index,name,power.draw,total_energy_consumption',
  '--format=csv,noheader,nounits',
] as const;

export const runCommand: RunCommand = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 10_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });

/** Parses `nvidia-smi --query-gpu=index,name,power.draw,total_energy_consumption --format=csv,noheader,nounits`. */
export function parseNvidiaCsv(text: string): GpuSample[] {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return lines.map((line, lineIndex) => {
    const fields = line.split(',').map((field) => field.trim());
    if (fields.length < 4) {
      throw new ServelabError(`nvidia-smi output line ${lineIndex + 1}: expected 4 comma-separated fields, got '${line}'`, 'unavailable');
    }
    // The GPU name may itself contain commas: index first, the two numbers last, the name in between.
    const index = Number(fields[0]);
    if (!Number.isInteger(index)) throw new ServelabError(`nvidia-smi output line ${lineIndex + 1}: bad GPU index '${fields[0]}'`, 'unavailable');
    return {
      index,
      name: fields.slice(1, -2).join(', '),
      powerW: optionalNumber(fields[fields.length - 2]!),
      totalEnergyMj: optionalNumber(fields[fields.length - 1]!),
    };
  });
}

function optionalNumber(field: string): number | undefined {
  const cleaned = field.replace(/\s*(W|mJ)$/, '');
  if (cleaned === '' || cleaned.startsWith('[')) return undefined;
  const value = Number(cleaned);
  return Number.isFinite(value) ? value : undefined;
}

export async function queryGpus(run: RunCommand = runCommand): Promise<GpuSample[]> {
  let text: string;
  try {
    text = await run('nvidia-smi', NVIDIA_QUERY_ARGS);
  } catch (error) {
    throw new ServelabError(`NVIDIA meter is not available: nvidia-smi failed: ${errorMessage(error)}`, 'unavailable');
  }
  const gpus = parseNvidiaCsv(text);
  if (gpus.length === 0) throw new ServelabError('NVIDIA meter is not available: nvidia-smi lists no GPUs', 'unavailable');
  return gpus;
}

export interface NvidiaOptions {
  readonly run?: RunCommand;
  readonly clock?: Clock;
  /** Power sampling interval when no energy counter exists. */
  readonly pollMs?: number;
}

/** Integrates power samples (time in ms, power in W) with trapezoids; joules. */
export function integratePowerJ(samples: readonly { atMs: number; powerW: number }[]): number {
  let joules = 0;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    joules += ((a.powerW + b.powerW) / 2) * ((b.atMs - a.atMs) / 1000);
  }
  return joules;
}

export async function createNvidiaMeter(options: NvidiaOptions = {}): Promise<EnergyMeter> {
  const run = options.run ?? runCommand;
  const clock = options.clock ?? systemClock;
  const pollMs = options.pollMs ?? 250;
  const probe = await queryGpus(run);
  if (probe.every((gpu) => gpu.powerW === undefined && gpu.totalEnergyMj === undefined)) {
    throw new ServelabError('NVIDIA meter is not available: nvidia-smi reports neither power.draw nor total_energy_consumption', 'unavailable');
  }
  const scope = `GPUs (${probe.map((gpu) => `${gpu.index}: ${gpu.name}`).join('; ')})`;
  return {
    name: 'nvidia-smi',
    source: 'measurement',
    scope,
    start: async (): Promise<EnergyWindow> => {
      const first = await queryGpus(run);
      const startMs = clock.nowMs();
      const powerSamples: { atMs: number; gpus: GpuSample[] }[] = [{ atMs: startMs, gpus: first }];
      let inFlight = false;
      const timer = setInterval(() => {
        if (inFlight) return;
        inFlight = true;
        queryGpus(run)
          .then((gpus) => powerSamples.push({ atMs: clock.nowMs(), gpus }))
          .catch(() => undefined) // a missed sample only widens one trapezoid
          .finally(() => {
            inFlight = false;
          });
      }, pollMs);
      timer.unref();
      return {
        stop: async (): Promise<EnergyReading> => {
          clearInterval(timer);
          const last = await queryGpus(run);
          const endMs = clock.nowMs();
          powerSamples.push({ atMs: endMs, gpus: last });
          const domains: Record<string, number> = {};
          for (const gpu of first) {
            const end = last.find((candidate) => candidate.index === gpu.index);
            const key = `gpu${gpu.index} ${gpu.name}`;
            if (gpu.totalEnergyMj !== undefined && end?.totalEnergyMj !== undefined && end.totalEnergyMj >= gpu.totalEnergyMj) {
              domains[key] = (end.totalEnergyMj - gpu.totalEnergyMj) / 1000;
            } else {
              const series = powerSamples.flatMap(({ atMs, gpus }) => {
                const powerW = gpus.find((candidate) => candidate.index === gpu.index)?.powerW;
                return powerW === undefined ? [] : [{ atMs, powerW }];
              });
              domains[key] = integratePowerJ(series);
            }
          }
          const energyJ = Object.values(domains).reduce((sum, joules) => sum + joules, 0);
          const durationMs = endMs - startMs;
          return {
            meter: 'nvidia-smi',
            source: 'measurement',
            scope,
            durationMs,
            energyJ,
            powerW: durationMs > 0 ? energyJ / (durationMs / 1000) : 0,
            domains,
          };
        },
      };
    },
  };
}
