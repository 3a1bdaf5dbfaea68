/**
 * The generator watches itself: CPU time and event-loop utilisation of its process, and how late sends left
 * (schedule lag). When these say the generator, not the target, limits the run, the summary warns.
 * Model Analyzer stops perf_analyzer above 80% CPU; the same threshold applies here, per process.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export const GENERATOR_CPU_LIMIT = 0.8;
export const EVENT_LOOP_LIMIT = 0.9;

export interface GeneratorUsage {
  /** CPU seconds per wall second of this process (1 = one core busy). */
  readonly cpuFraction: number;
  /** Share of wall time the event loop was busy (the single thread that sends and receives). */
  readonly eventLoopUtilization: number;
  readonly wallMs: number;
}

export class UsageMeter {
  readonly #cpu = process.cpuUsage();
  readonly #elu: EventLoopUtilization = performance.eventLoopUtilization();
  readonly #startMs = performance.now();

  read(): GeneratorUsage {
    const cpu = process.cpuUsage(this.#cpu);
    const wallMs = performance.now() - this.#startMs;
    const elu = performance.eventLoopUtilization(this.#elu);
    return { cpuFraction: wallMs > 0 ? (cpu.user + cpu.system) / 1000 / wallMs : 0, eventLoopUtilization: elu.utilization, wallMs };
  }
}

export interface LagStats {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/**
 * p99 schedule lag beyond which the arrival process the target saw differs from the one asked for. Timers
 * on an idle machine fire within 1–2 ms; 10 ms late means the generator's event loop was held up.
 */
export const LAG_LIMIT_MS = 10;

/** Whether the generator process itself was saturated (as opposed to late because the machine was busy). */
export function generatorSaturated(usage: GeneratorUsage): boolean {
  return usage.cpuFraction > GENERATOR_CPU_LIMIT || usage.eventLoopUtilization > EVENT_LOOP_LIMIT;
}

export function generatorWarnings(usage: readonly GeneratorUsage[], lag: LagStats | null): string[] {
  const warnings: string[] = [];
  usage.forEach((process, index) => {
    const who = usage.length > 1 ? `generator process ${index + 1}` : 'the generator';
    if (process.cpuFraction > GENERATOR_CPU_LIMIT) {
      warnings.push(`${who} used ${(process.cpuFraction * 100).toFixed(0)}% of a core (limit ${GENERATOR_CPU_LIMIT * 100}%): it may be the bottleneck, not the target; spread the load over more processes`);
    } else if (process.eventLoopUtilization > EVENT_LOOP_LIMIT) {
      warnings.push(`${who}'s event loop was busy ${(process.eventLoopUtilization * 100).toFixed(0)}% of the time: it may be the bottleneck, not the target`);
    }
  });
  if (lag && lag.p99Ms > LAG_LIMIT_MS) {
    const saturated = usage.some(generatorSaturated);
    const cpu = Math.max(...usage.map((process) => process.cpuFraction), 0);
    warnings.push(
      saturated
        ? `sends left up to ${lag.p99Ms.toFixed(1)} ms late (p99 schedule lag; limit ${LAG_LIMIT_MS} ms): the generator could not keep to its schedule`
        : `sends left up to ${lag.p99Ms.toFixed(1)} ms late (p99 schedule lag; limit ${LAG_LIMIT_MS} ms) while the generator used ${(cpu * 100).toFixed(0)}% of a core: other processes kept it off the CPU`,
    );
  }
  return warnings;
}
