/**
 * Simulated servers for the validity and capacity tests: seeded service times, with or without a FIFO queue,
 * steady or drifting, so a rule's false-alarm and detection rates can be measured. The same model drives a
 * fake client on a VirtualClock (through the real load loops) and a direct simulation of a run's recorder
 * (simulated-run.ts) for many seeds at once.
 */
import type { VirtualClock } from '../../../src/core/clock.js';
import { createRng } from '../../../src/core/random.js';
import { fakeClient, type FakeClient } from './fake-client.js';

export interface SimulatedServerOptions {
  readonly seed: number;
  /** Median service time. */
  readonly serviceMs: number;
  /** Spread of the lognormal service time (σ of its log). */
  readonly logSigma: number;
  /** Parallel workers behind one FIFO queue; 0 for none (every request served at once). */
  readonly workers: number;
  /** Service-time multiplier over time, e.g. a drift; default 1. */
  readonly slowdown?: (nowMs: number) => number;
}

/** Latency (ms) of each request, called in send order with its send time. */
export function serverModel(options: SimulatedServerOptions): (sendMs: number) => number {
  const rng = createRng(options.seed, 'simulated-server');
  const freeAtMs = Array.from({ length: options.workers }, () => -Infinity);
  return (sendMs) => {
    const serviceMs = options.serviceMs * Math.exp(options.logSigma * rng.normal()) * (options.slowdown?.(sendMs) ?? 1);
    if (options.workers === 0) return serviceMs;
    // FIFO: the request takes the worker that frees first, and waits for it.
    let worker = 0;
    for (let i = 1; i < freeAtMs.length; i++) if (freeAtMs[i]! < freeAtMs[worker]!) worker = i;
    const startMs = Math.max(sendMs, freeAtMs[worker]!);
    freeAtMs[worker] = startMs + serviceMs;
    return freeAtMs[worker]! - sendMs;
  };
}

export function simulatedServer(clock: VirtualClock, options: SimulatedServerOptions): FakeClient {
  return fakeClient(clock, serverModel(options));
}
