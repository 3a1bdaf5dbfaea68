/**
 * `npm test`: the three tiers of tests, in order, through node's test runner, with one TAP stream and one summary.
 *
 * - test/unit: in-process tests (virtual clocks, simulations, ONNX Runtime in-process), one file per CPU at a time;
 * - test/integration: real servers on loopback ports, child processes, databases, two files at a time: each spends
 *   most of its time waiting on its servers, and none asserts on speed (a measurement made while another file ran
 *   may come out INVALID, which these tests accept), so sharing the CPUs changes their timing, not their outcome;
 * - test/e2e: whole studies end to end (the demo, a distributed study), one at a time: the demo sizes its trials
 *   from capacities it measures, so it must have the machine to itself.
 *
 *   node --import tsx scripts/run-tests.ts [unit|integration|e2e ...]
 *
 * Each tier's files run in child processes that inherit this process's --import tsx. Before the integration and
 * end-to-end tiers, src/ is transpiled to dist/ (`npm run build:js`, about a second) and SERVELAB_COMPILED=1 is set,
 * so the servers, CLIs and load generators those tests start run compiled JavaScript (a server is ready in ~0.7 s
 * instead of 1.0–1.3 s through tsx); the test files themselves still import the TypeScript sources. The summary ends
 * with the suite's wall time per tier.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { run } from 'node:test';
import { tap } from 'node:test/reporters';

interface Tier {
  readonly name: string;
  readonly concurrency: number;
  /** Its tests start servelab processes (bin/servelab.js), which then run dist/. */
  readonly startsProcesses: boolean;
}

const TIERS: readonly Tier[] = [
  { name: 'unit', concurrency: Math.max(1, availableParallelism()), startsProcesses: false },
  { name: 'integration', concurrency: Math.min(2, availableParallelism()), startsProcesses: true },
  { name: 'e2e', concurrency: 1, startsProcesses: true },
];

/** The runner's own end-of-run counts, replaced by one summary over every tier. */
const SUMMARY_KEYS = ['tests', 'suites', 'pass', 'fail', 'cancelled', 'skipped', 'todo', 'duration_ms'] as const;
type SummaryKey = (typeof SUMMARY_KEYS)[number];

function testFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

interface TestEvent {
  readonly type: string;
  readonly data: { readonly nesting?: number; readonly message?: string };
}

const chosen = process.argv.slice(2);
const unknown = chosen.filter((name) => !TIERS.some((tier) => tier.name === name));
if (unknown.length > 0) {
  console.error(`run-tests: unknown tier ${unknown.join(', ')}; expected ${TIERS.map((tier) => tier.name).join(', ')}`);
  process.exit(2);
}
const tiers = TIERS.filter((tier) => chosen.length === 0 || chosen.includes(tier.name));
let compiled = false;

/** Transpiles src/ to dist/ once, for the processes the tests start (bin/servelab.js reads SERVELAB_COMPILED). */
function compileForChildProcesses(): void {
  if (compiled) return;
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: ['ignore', 2, 2] }); // stdout is the TAP stream
  if (build.status !== 0) {
    console.error(`run-tests: scripts/build.mjs failed (${build.signal ?? `exit ${build.status}`}); the tests that start servelab need dist/`);
    process.exit(1);
  }
  process.env.SERVELAB_COMPILED = '1';
  compiled = true;
}
const totals = Object.fromEntries(SUMMARY_KEYS.map((key) => [key, 0])) as Record<SummaryKey, number>;
const tierSeconds: string[] = [];

async function* events(): AsyncGenerator<TestEvent> {
  for (const tier of tiers) {
    const startedMs = performance.now();
    if (tier.startsProcesses) compileForChildProcesses();
    const stream = run({ files: testFiles(join('test', tier.name)), concurrency: tier.concurrency }) as AsyncIterable<TestEvent>;
    for await (const event of stream) {
      const summary = event.type === 'test:diagnostic' && event.data.nesting === 0 ? /^(\w+) ([\d.]+)$/.exec(event.data.message ?? '') : null;
      if (summary && (SUMMARY_KEYS as readonly string[]).includes(summary[1]!)) {
        totals[summary[1] as SummaryKey] += Number(summary[2]);
        continue;
      }
      yield event;
    }
    tierSeconds.push(`${tier.name} ${((performance.now() - startedMs) / 1000).toFixed(0)} s (${tier.concurrency === 1 ? 'one file at a time' : `${tier.concurrency} files at a time`})`);
  }
  for (const key of SUMMARY_KEYS) yield { type: 'test:diagnostic', data: { nesting: 0, message: `${key} ${key === 'duration_ms' ? totals[key].toFixed(0) : totals[key]}` } };
  const wallS = totals.duration_ms / 1000;
  yield { type: 'test:diagnostic', data: { nesting: 0, message: `suite wall time ${Math.floor(wallS / 60)} min ${Math.round(wallS % 60)} s: ${tierSeconds.join(', ')}` } };
}

for await (const line of tap(events() as Parameters<typeof tap>[0])) process.stdout.write(line);
if (totals.fail > 0 || totals.cancelled > 0) process.exitCode = 1;
