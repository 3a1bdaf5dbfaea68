/** OS knobs applied for real to child processes: needs root and cgroup v1/v2 controllers, skipped otherwise. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { prepareOsKnobs, type OsKnobLaunch } from '../../../src/knobs/apply.js';
import { detectOsCapabilities, type OsCapabilities } from '../../../src/knobs/detect.js';

const caps = detectOsCapabilities();

function skipReason(knob: keyof OsCapabilities['knobs'], method?: string): string | false {
  const capability = caps.knobs[knob];
  if (!capability.method) return `${knob} can't be applied here: ${capability.reason}`;
  if (method && capability.method !== method) return `${knob} uses ${capability.method} here, not ${method}`;
  return false;
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

async function runWrapped(launch: OsKnobLaunch, script: string): Promise<Finished> {
  const argv = [...launch.argv, process.execPath, '-e', script];
  const started = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code, signal] = (await new Promise((resolve) => child.on('exit', (c, s) => resolve([c, s])))) as [number | null, NodeJS.Signals | null];
  return { code, signal, stdout, stderr, wallMs: performance.now() - started };
}

test('os.cpuCores pins the process (all threads) to the first N allowed CPUs', { skip: skipReason('os.cpuCores') }, async (t) => {
  const launch = prepareOsKnobs({ cpuCores: 1 }, [], caps);
  t.after(() => launch.release());
  const result = await runWrapped(launch, `const fs = require('fs'); console.log(fs.readdirSync('/proc/self/task').map((tid) => /Cpus_allowed_list:\\s*(\\S+)/.exec(fs.readFileSync('/proc/self/task/' + tid + '/status', 'utf8'))[1]).join(' '))`);
  assert.equal(result.code, 0, result.stderr);
  const lists = result.stdout.trim().split(' ');
  assert.ok(lists.length > 1, 'node runs several threads');
  assert.ok(lists.every((list) => list === String(caps.allowedCpus[0])), result.stdout);
});

test('os.cpuQuota caps the CPU time a busy process gets (emulated frequency)', { skip: skipReason('os.cpuQuota') }, async (t) => {
  const launch = prepareOsKnobs({ cpuCores: 1, cpuQuota: 0.25 }, [], caps);
  t.after(() => launch.release());
  assert.match(launch.applied.find((a) => a.knob === 'os.cpuQuota')?.emulated ?? '', /EMULATED/);
  const result = await runWrapped(
    launch,
    `const end = Date.now() + 1200; while (Date.now() < end) {} const u = process.cpuUsage(); console.log((u.user + u.system) / 1000)`,
  );
  assert.equal(result.code, 0, result.stderr);
  const cpuMs = Number(result.stdout.trim());
  // 25% of one core over ~1.2 s is ~300 ms; without the quota a spinning loop gets up to the full 1200 ms.
  assert.ok(cpuMs < 1200 * 0.25 + 150, `cpu ${cpuMs} ms over ${result.wallMs.toFixed(0)} ms wall`);
});

test('os.memoryLimitMb via cgroup: exceeding the limit is reported as out of memory, and the group is removed', { skip: skipReason('os.memoryLimitMb', 'cgroup-memory') }, async () => {
  const launch = prepareOsKnobs({ memoryLimitMb: 96 }, [], caps);
  const groupDir = /'(.*)\/cgroup\.procs'/.exec(launch.argv[2]!)![1]!;
  assert.ok(existsSync(groupDir));
  const result = await runWrapped(launch, `const keep = []; for (let i = 0; i < 40; i++) keep.push(Buffer.alloc(16 * 1024 * 1024, 1)); console.log('survived')`);
  assert.notEqual(result.stdout.trim(), 'survived');
  assert.equal(launch.outOfMemory({ code: result.code, signal: result.signal, stderrTail: result.stderr }), true);
  await launch.release();
  assert.equal(existsSync(groupDir), false);
});

test('os.memoryLimitMb via prlimit --as: an allocation failure is reported as out of memory', { skip: skipReason('os.memoryLimitMb') || (existsSync('/usr/bin/prlimit') ? false : 'prlimit is not installed') }, async (t) => {
  const rlimitCaps: OsCapabilities = { ...caps, knobs: { ...caps.knobs, 'os.memoryLimitMb': { knob: 'os.memoryLimitMb', method: 'prlimit-as' } } };
  const launch = prepareOsKnobs({ memoryLimitMb: 3072 }, [], rlimitCaps);
  t.after(() => launch.release());
  assert.deepEqual(launch.argv, ['prlimit', `--as=${3072 * 1024 * 1024}`, '--']);
  const result = await runWrapped(launch, `const big = new ArrayBuffer(4 * 1024 * 1024 * 1024); console.log(big.byteLength)`);
  assert.notEqual(result.code, 0);
  assert.equal(launch.outOfMemory({ code: result.code, signal: result.signal, stderrTail: result.stderr }), true, result.stderr);
  assert.equal(launch.outOfMemory({ code: 1, signal: null, stderrTail: 'TypeError: x is not a function' }), false);
});
