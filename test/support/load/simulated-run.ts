/**
 * An open-loop run simulated event by event, without the load loop: the real schedule (generateSchedule),
 * a simulated server, and the real recorder and summary. On a VirtualClock the open loop sends every
 * request exactly on schedule, so this records what runLoad records there (validity.test.ts checks that);
 * it is fast enough to judge hundreds of seeds.
 */
import { generateSchedule } from '../../../src/load/schedule.js';
import { LoadRecorder } from '../../../src/load/recorder.js';
import { summarize, type LoadSummary } from '../../../src/load/summary.js';
import { serverModel, type SimulatedServerOptions } from './simulated-server.js';

export interface SimulatedRunOptions {
  readonly pattern: 'poisson' | 'constant';
  readonly rateRps: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly windowMs: number;
  readonly seed: number;
}

export function simulateRun(run: SimulatedRunOptions, server: Omit<SimulatedServerOptions, 'seed'>): LoadSummary {
  const latencyOf = serverModel({ ...server, seed: run.seed });
  // The pre-flight probe request runs first, at time 0, and the run starts when it answers.
  const startMs = latencyOf(0);
  const schedule = generateSchedule({ type: run.pattern, rateRps: run.rateRps }, { durationMs: run.durationMs, warmupMs: run.warmupMs, seed: run.seed });
  const recorder = new LoadRecorder({ measureStartMs: run.warmupMs, endMs: run.warmupMs + run.durationMs, windowMs: run.windowMs });
  schedule.offsetsMs.forEach((offsetMs, index) => {
    const latencyMs = latencyOf(startMs + offsetMs);
    if (index < schedule.warmupCount) {
      recorder.warmupSent++;
      return;
    }
    recorder.recordSent(offsetMs, offsetMs);
    recorder.recordSuccess(offsetMs, offsetMs, offsetMs + latencyMs, undefined);
  });
  return summarize(recorder, {
    pattern: `${run.pattern} ${run.rateRps} req/s`,
    patternType: run.pattern,
    protocol: 'kserve-http',
    target: 'simulated',
    model: 'm',
    workload: null,
    seed: run.seed,
    durationMs: run.durationMs,
    warmupMs: run.warmupMs,
    // The generator's own CPU is not simulated: no self-check warnings.
    usage: [],
    inFlightCap: 1024,
    maxErrorRate: 0.01,
    latencyBoundMs: null,
    capacity: null,
  });
}
