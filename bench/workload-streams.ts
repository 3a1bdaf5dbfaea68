/**
 * What a workload's sample stream costs the load generator per request: milliseconds per `next()` for every
 * (workload, zoo model) pair it fits, at batch 1 and 8. "cold" is a stream's first calls with empty caches
 * (every sample prepared from the raw record); "warm" replays the same seed, so the same samples come from the
 * per-sample cache. Both run side by side in one process; cold/warm is the ratio to compare across machines.
 *
 *   npm run bench:workloads -- [--calls 100] [--workloads mnist-digits,spam-emails]
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { byteSize, type Tensor } from '../src/core/tensor.js';
import { ZOO_MODEL_INPUTS } from '../src/zoo/workloads/model-conventions.js';
import { getWorkload, listWorkloads } from '../src/zoo/workloads/registry.js';
import { clearSampleCaches } from '../src/zoo/workloads/sample-stream.js';

const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '100' },
    workloads: { type: 'string' },
  },
});
const calls = Number(args.calls);
const names = args.workloads?.split(',') ?? listWorkloads().map((info) => info.name);

console.log(`# workload stream cost per next(), ${calls} calls per cell; ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, Node ${process.version}`);
console.log('| workload | model | batch | request bytes (mean) | cold ms/call | warm ms/call | cold/warm |');
console.log('|---|---|---|---|---|---|---|');
for (const name of names) {
  const workload = getWorkload(name);
  if (!workload.info.availability.available) {
    console.log(`| ${name} | unavailable: ${workload.info.availability.reason} | | | | | |`);
    continue;
  }
  for (const model of workload.describe().fitsModels) {
    for (const batchSize of [1, 8]) {
      const open = () => workload.createSampleStream(ZOO_MODEL_INPUTS[model]!, { seed: 7, batchSize, modelName: model });
      open().next(); // build the plan (parse, tokenize on demand) outside the timed calls
      clearSampleCaches();
      const cold = time(open(), calls);
      const warm = time(open(), calls);
      const cells = [name, model, batchSize, Math.round(cold.bytes / calls), cold.perCallMs.toFixed(3), warm.perCallMs.toFixed(3), (cold.perCallMs / warm.perCallMs).toFixed(1)];
      console.log(`| ${cells.join(' | ')} |`);
    }
  }
}

function time(stream: { next(): Tensor[] }, count: number): { perCallMs: number; bytes: number } {
  let bytes = 0;
  const start = performance.now();
  for (let i = 0; i < count; i++) bytes += stream.next().reduce((n, tensor) => n + byteSize(tensor), 0);
  return { perCallMs: (performance.now() - start) / count, bytes };
}
