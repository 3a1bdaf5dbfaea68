/**
 * A load driver that sends no request: it waits a short wall time (so trials complete one by one while a
 * dashboard watches) and returns a real LoadSummary (the load library's recorder and summary) of a simulated
 * run. Latencies depend on the server's configuration file, so configurations differ and fronts form.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRng } from '../../../src/core/random.js';
import { LoadRecorder } from '../../../src/load/recorder.js';
import { generateSchedule } from '../../../src/load/schedule.js';
import { summarize, type LoadSummary } from '../../../src/load/summary.js';
import type { LoadDriver, LoadRunRequest } from '../../../src/run/load-driver.js';

export interface FakeDriverOptions {
  /** How long each measured run takes in wall time. */
  readonly runWallMs?: number;
}

export function fakeLoadDriver(options: FakeDriverOptions = {}): LoadDriver {
  return {
    capacity: async () => ({ capacityRps: 500, method: 'fake driver: no capacity search' }),
    run: async (request) => {
      request.onStart?.();
      if (request.durationMs > 0 && request.warmupMs > 0) await sleep(options.runWallMs ?? 400);
      return simulatedSummary(request, configurationSalt(request.serverPid));
    },
  };
}

/** A simulated run's summary: lognormal service times around a base that depends on the configuration. */
export function simulatedSummary(request: Pick<LoadRunRequest, 'durationMs' | 'warmupMs' | 'rateRps' | 'seed' | 'model' | 'workload'>, salt: number): LoadSummary {
  const rateRps = request.rateRps ?? 100;
  const rng = createRng(request.seed + salt, 'fake-driver');
  const baseMs = 1 + (salt % 400) / 100;
  const schedule = generateSchedule({ type: 'constant', rateRps }, { durationMs: request.durationMs, warmupMs: request.warmupMs, seed: request.seed });
  const recorder = new LoadRecorder({ measureStartMs: request.warmupMs, endMs: request.warmupMs + request.durationMs, windowMs: 1000 });
  schedule.offsetsMs.forEach((offsetMs, index) => {
    if (index < schedule.warmupCount) {
      recorder.warmupSent++;
      return;
    }
    const latencyMs = baseMs * Math.exp(0.2 * rng.normal());
    recorder.recordSent(offsetMs, offsetMs);
    recorder.recordSuccess(offsetMs, offsetMs, offsetMs + latencyMs, { queueUs: 100, computeUs: latencyMs * 700, batchSize: 1, cacheHit: false });
  });
  return summarize(recorder, {
    pattern: `constant ${rateRps} req/s`,
    patternType: 'constant',
    protocol: 'kserve-http',
    target: 'fake',
    model: request.model,
    workload: request.workload,
    seed: request.seed,
    durationMs: request.durationMs,
    warmupMs: request.warmupMs,
    usage: [],
    inFlightCap: 1024,
    maxErrorRate: 0.01,
    latencyBoundMs: null,
    capacity: null,
  });
}

/** A number derived from the server's configuration file (its knobs), or 0 when it can't be read. */
function configurationSalt(serverPid: number | undefined): number {
  if (serverPid === undefined) return 0;
  try {
    const argv = readFileSync(`/proc/${serverPid}/cmdline`, 'utf8').split('\0');
    const configPath = argv[argv.indexOf('--config') + 1];
    if (!configPath) return 0;
    return createHash('sha256').update(readFileSync(configPath)).digest().readUInt32BE(0) % 100_000;
  } catch {
    return 0;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
