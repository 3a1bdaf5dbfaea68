/**
 * Samplers on a recorded full-factorial study: how much of the full-factorial Pareto hypervolume the adaptive
 * sampler reaches with at most 25% of the trials, against random sampling (and Latin hypercube) at the same
 * budget, averaged over seeds and environments. No measurement is repeated: each sampler is replayed against the
 * recorded results.
 *
 *   npm run bench:samplers -- [--csv bench/fixtures/full-factorial.csv] [--seeds 5] [--fractions 0.1,0.15,0.25]
 *                              [--objectives p99_ms:min,energy_j_per_inf:min] [--batch 1]
 *
 * Without --csv it uses bench/fixtures/full-factorial.csv when present, otherwise a SYNTHETIC serving surface
 * (clearly labelled in the output): a queueing-style model of latency and estimated energy, not a measurement.
 */
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { configurationKey, spaceSize, type Configuration, type DesignSpace } from '../src/core/space.js';
import { createRng } from '../src/core/random.js';
import { enumerateSpace } from '../src/plan/design-space.js';
import type { Objective } from '../src/plan/pareto.js';
import { readRecordedStudy, type RecordedStudy } from '../src/plan/recorded-study.js';
import { hypervolumeFraction, replaySampler } from '../src/plan/replay.js';
import { createSampler } from '../src/plan/samplers/index.js';
import type { SamplerKind } from '../src/plan/study-schema.js';

const DEFAULT_CSV = 'bench/fixtures/full-factorial.csv';

const { values: args } = parseArgs({
  options: {
    csv: { type: 'string' },
    seeds: { type: 'string', default: '5' },
    fractions: { type: 'string', default: '0.1,0.15,0.25' },
    objectives: { type: 'string', default: 'p99_ms:min,energy_j_per_inf:min' },
    batch: { type: 'string', default: '1' },
  },
});

const objectives: Objective[] = args.objectives.split(',').map((item) => {
  const [metric, direction] = item.split(':');
  return { metric: metric!, direction: direction === 'max' ? 'max' : 'min' };
});

/** A queueing-style surface over typical serving knobs, on a 2-core budget at 150 req/s (synthetic). */
function syntheticStudy(): RecordedStudy & { label: string } {
  const space: DesignSpace = {
    knobs: [
      { name: 'instances', kind: 'numeric', levels: [1, 2, 4] },
      { name: 'ort.intraOpThreads', kind: 'numeric', levels: [1, 2, 4] },
      { name: 'batching.enabled', kind: 'boolean', levels: [false, true] },
      { name: 'batching.maxBatchSize', kind: 'numeric', levels: [4, 16, 64] },
      { name: 'batching.maxQueueDelayUs', kind: 'numeric', levels: [0, 1000, 5000] },
      { name: 'os.cpuQuota', kind: 'numeric', levels: [0.25, 0.5, 1] },
    ],
  };
  const noise = createRng(7, 'synthetic-surface');
  const results = new Map<string, Record<string, number> | undefined>();
  for (const configuration of enumerateSpace(space)) {
    results.set(configurationKey(configuration), servingModel(configuration, 1 + 0.03 * noise.normal()));
  }
  return { label: 'SYNTHETIC surface (queueing model, not a measurement)', space, environments: [{ key: 'synthetic', results }], metrics: ['p99_ms', 'energy_j_per_inf'] };
}

function servingModel(c: Configuration, noise: number): Record<string, number> {
  const arrivalRps = 150;
  const cores = 2 * (c['os.cpuQuota'] as number);
  const instances = c.instances as number;
  const threads = c['ort.intraOpThreads'] as number;
  const oversubscription = Math.max(1, (instances * threads) / cores);
  const serviceMs = (batch: number) => (6 * (0.35 + 0.65 * Math.pow(batch, 0.8))) / Math.pow(Math.min(threads, cores), 0.75) * oversubscription;
  const delayMs = c['batching.enabled'] ? (c['batching.maxQueueDelayUs'] as number) / 1000 : 0;
  const batch = c['batching.enabled']
    ? Math.min(c['batching.maxBatchSize'] as number, Math.max(1, (arrivalRps / Math.min(instances, cores)) * (delayMs + serviceMs(1)) / 1000 + 1))
    : 1;
  const capacityRps = (Math.min(instances, Math.max(1, cores)) * batch * 1000) / serviceMs(batch);
  const utilization = arrivalRps / capacityRps;
  const p99Ms = utilization >= 0.98 ? 2000 + 500 * utilization : delayMs + serviceMs(batch) * (1 + Math.log(100) * utilization / (1 - utilization));
  const busyCores = Math.min(cores, utilization * Math.min(cores, instances * threads)) + 0.05 * instances * threads;
  const powerW = 10 + 6 * busyCores;
  return { p99_ms: p99Ms * noise, energy_j_per_inf: (powerW / Math.min(arrivalRps, capacityRps)) * noise };
}

async function main(): Promise<void> {
  const csvPath = args.csv ?? (existsSync(DEFAULT_CSV) ? DEFAULT_CSV : undefined);
  const study = csvPath ? { ...(await readRecordedStudy(csvPath)), label: `recorded study ${csvPath}` } : syntheticStudy();
  const seeds = Number(args.seeds);
  const fractions = args.fractions.split(',').map(Number);
  const batchSize = Number(args.batch);
  const size = spaceSize(study.space);
  console.log(`input: ${study.label}`);
  console.log(`space: ${study.space.knobs.map((k) => `${k.name}(${k.levels.length})`).join(' x ')} = ${size} configurations; environments: ${study.environments.length}`);
  console.log(`objectives: ${objectives.map((o) => `${o.metric} ${o.direction}`).join(', ')}; seeds: ${seeds}; ask batch: ${batchSize}`);
  console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'} x ${cpus().length}, node ${process.version}\n`);
  const kinds: SamplerKind[] = ['adaptive', 'random', 'lhs'];
  console.log(['budget', ...kinds.map((kind) => `${kind} HV% (min)`), 'adaptive s/run'].join('\t'));
  for (const fraction of fractions) {
    const budget = Math.max(2, Math.floor(fraction * size));
    const cells: string[] = [`${budget} (${(100 * fraction).toFixed(0)}%)`];
    let adaptiveSeconds = 0;
    for (const kind of kinds) {
      const reached: number[] = [];
      for (const environment of study.environments) {
        const all = [...environment.results.values()].filter((metrics): metrics is Record<string, number> => metrics !== undefined);
        for (let seed = 1; seed <= seeds; seed++) {
          const started = performance.now();
          const sampler = createSampler({ kind, budget }, study.space, seed, objectives);
          const history = replaySampler(sampler, (configuration) => environment.results.get(configurationKey(configuration)), { batchSize });
          if (kind === 'adaptive') adaptiveSeconds += (performance.now() - started) / 1000;
          reached.push(hypervolumeFraction(history, all, objectives));
        }
      }
      const mean = reached.reduce((sum, value) => sum + value, 0) / reached.length;
      cells.push(`${(100 * mean).toFixed(1)} (${(100 * Math.min(...reached)).toFixed(1)})`);
    }
    cells.push((adaptiveSeconds / (seeds * study.environments.length)).toFixed(2));
    console.log(cells.join('\t'));
  }
}

await main();
