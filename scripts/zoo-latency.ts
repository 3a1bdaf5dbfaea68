/**
 * One-inference latency of every zoo model in ONNX Runtime (CPU), batch 1 at the card's default input size:
 * session load time, then the median and min of timed runs after warm-up. Prints a Markdown table with
 * params and FLOPs from the cards. Absolute times depend on the machine and its load; compare within one run.
 * Run: npx tsx scripts/zoo-latency.ts [--threads N] [--runs N]
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import type { ModelCard } from '../src/core/model-card.js';
import { batchOneShapes } from '../src/zoo/models/introspect.js';
import { listModelCards, resolveModel } from '../src/zoo/models/registry.js';

const { values } = parseArgs({ options: { threads: { type: 'string', default: '1' }, runs: { type: 'string', default: '15' } } });
const threads = Number(values.threads);
const runs = Number(values.runs);

function feedsAt(card: ModelCard): Record<string, ort.Tensor> {
  const shapes = batchOneShapes(card.inputs, card.defaultInputShapes);
  const feeds: Record<string, ort.Tensor> = {};
  for (const spec of card.inputs) {
    const shape = shapes[spec.name] ?? [];
    const length = shape.reduce((n, d) => n * d, 1);
    if (spec.datatype === 'INT64') {
      const fill = (i: number): bigint => (spec.name === 'sr' ? 16000n : spec.name === 'attention_mask' ? 1n : BigInt(4 + ((i * 7919) % 30000)));
      feeds[spec.name] = new ort.Tensor('int64', BigInt64Array.from({ length }, (_, i) => fill(i)), shape);
    } else {
      feeds[spec.name] = new ort.Tensor('float32', Float32Array.from({ length }, (_, i) => (spec.name === 'state' ? 0 : 0.5 + 0.5 * Math.sin(i))), shape);
    }
  }
  return feeds;
}

const rows: string[] = [];
for (const card of await listModelCards()) {
  const { path } = await resolveModel(card.name);
  let started = performance.now();
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const loadMs = performance.now() - started;
  const feeds = feedsAt(card);
  for (let i = 0; i < 3; i++) await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    started = performance.now();
    await session.run(feeds);
    times.push(performance.now() - started);
  }
  await session.release();
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const shapes = Object.entries(card.defaultInputShapes).map(([n, s]) => `${n}[${s.join('×')}]`).join(' ');
  rows.push(
    `| ${card.name} | ${card.weights} | ${(card.params / 1e6).toFixed(3)} | ${(card.flops / 1e9).toPrecision(3)} | ${shapes} | ${loadMs.toFixed(0)} | ${median.toFixed(2)} | ${times[0]!.toFixed(2)} |`,
  );
  console.error(`${card.name}: median ${median.toFixed(2)} ms`);
}
console.log(`Machine: ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} logical CPUs), Node ${process.version}, onnxruntime-node, ${threads} intra-op thread(s), batch 1, ${runs} timed runs after 3 warm-up runs.\n`);
console.log('| model | weights | params (M) | GFLOPs/sample | default input (per sample) | session load ms | median ms | min ms |');
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
