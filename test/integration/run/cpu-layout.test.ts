/**
 * The CPU layout: the load generator and the server run on disjoint CPUs, read back from /proc/PID/status of
 * the real processes (a server started for a trial and the pinned generator process after a real load run).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { commandOnPath, parseCpuList } from '../../../src/knobs/cpus.js';
import { detectOsCapabilities } from '../../../src/knobs/detect.js';
import { parseStudy } from '../../../src/plan/study-schema.js';
import { describeCpuLayout, planCpuLayout } from '../../../src/run/cpu-layout.js';
import { PinnedGenerator } from '../../../src/run/pinned-generator.js';
import { sessionSettingsFor, startSession } from '../../../src/run/server-session.js';

test('two or more CPUs: the generator gets the last ones, the server the rest', () => {
  assert.deepEqual(planCpuLayout({ allowedCpus: [0, 1], generatorCpus: 1, canPin: true }), { generatorCpus: [1], serverCpus: [0], isolated: true });
  assert.deepEqual(planCpuLayout({ allowedCpus: [0, 1, 2, 3], generatorCpus: 2, canPin: true }), { generatorCpus: [2, 3], serverCpus: [0, 1], isolated: true });
  assert.equal(describeCpuLayout(planCpuLayout({ allowedCpus: [2, 5], generatorCpus: 1, canPin: true })), 'load generator on CPU 5, server on CPU 2');
});

test('where isolation is impossible the layout shares the CPUs and says why', () => {
  const one = planCpuLayout({ allowedCpus: [0], generatorCpus: 1, canPin: true });
  assert.equal(one.isolated, false);
  assert.deepEqual(one.serverCpus, [0]);
  assert.match(one.sharedReason!, /only 1 CPU/);
  assert.match(planCpuLayout({ allowedCpus: [0, 1], generatorCpus: 0, canPin: true }).sharedReason!, /isolation is off/);
  assert.match(planCpuLayout({ allowedCpus: [0, 1], generatorCpus: 1, canPin: false }).sharedReason!, /taskset/);
  assert.match(planCpuLayout({ allowedCpus: [0, 1], generatorCpus: 2, canPin: true }).sharedReason!, /at least one must stay with the server/);
  assert.match(describeCpuLayout(one), /^generator and server share CPU 0: only 1 CPU/);
});

test('a study file chooses the generator CPUs; negative counts are refused', () => {
  const base = 'name: s\nmodels: [mnist-cnn]\nworkloads: [mnist-digits]\n';
  assert.equal(parseStudy(base).isolation.generatorCpus, 1);
  assert.equal(parseStudy(`${base}isolation: { generatorCpus: 0 }\n`).isolation.generatorCpus, 0);
  assert.throws(() => parseStudy(`${base}isolation: { generatorCpus: -1 }\n`), /isolation\.generatorCpus.*integer >= 0/s);
});

function allowedCpusOf(pid: number): number[] {
  const match = /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(match, `no Cpus_allowed_list for pid ${pid}`);
  return parseCpuList(match[1]!);
}

const capabilities = detectOsCapabilities();
const canIsolate = capabilities.allowedCpus.length >= 2 && commandOnPath('taskset');

test('a trial server and the pinned generator run on disjoint CPUs', { skip: canIsolate ? false : 'needs 2 CPUs and taskset' }, async (t) => {
  const study = parseStudy('name: layout\nmodels: [mnist-cnn]\nworkloads: [mnist-digits]\nload: { pattern: poisson, rates: [100], duration: 1s, warmup: 0ms }\n');
  const settings = sessionSettingsFor(study, capabilities, 60_000);
  assert.equal(settings.layout.isolated, true);
  const session = await startSession(settings, {}, 'mnist-cnn');
  t.after(() => session.stop());
  const generator = new PinnedGenerator(settings.layout.generatorCpus);
  t.after(() => generator.close());

  let startedAt: number | undefined;
  const summary = await generator.run({
    target: { http: session.ready.http, grpc: session.ready.grpc },
    protocol: 'kserve-http',
    model: 'mnist-cnn',
    workload: 'mnist-digits',
    point: study.load.points[0]!,
    rateRps: 100,
    durationMs: 500,
    warmupMs: 0,
    seed: 1,
    onStart: () => {
      assert.equal(startedAt, undefined, 'the load starts once');
      startedAt = performance.now();
    },
  });
  const endedAt = performance.now();
  assert.ok(summary.completed > 0, 'the pinned generator completed requests');
  // The start is announced once the requests are prepared, so the load's 500 ms lie between it and the end.
  assert.ok(startedAt !== undefined && endedAt - startedAt >= 500, `started ${startedAt}, ended ${endedAt}`);

  const serverCpus = allowedCpusOf(session.process.pid);
  const generatorCpus = allowedCpusOf(generator.pid!);
  assert.deepEqual(serverCpus, [...settings.layout.serverCpus]);
  assert.deepEqual(generatorCpus, [...settings.layout.generatorCpus]);
  assert.equal(serverCpus.filter((cpu) => generatorCpus.includes(cpu)).length, 0, 'no CPU is shared');
});

test('an aborted run ends the generator process and the next call starts a fresh one', { skip: canIsolate ? false : 'needs 2 CPUs and taskset' }, async (t) => {
  const generator = new PinnedGenerator([capabilities.allowedCpus.at(-1)!]);
  t.after(() => generator.close());
  const request = {
    target: { http: 'http://127.0.0.1:9', grpc: null },
    protocol: 'kserve-http' as const,
    model: 'none',
    workload: 'mnist-digits',
    point: { label: 'poisson@10rps', pattern: 'poisson' as const, rateRps: 10 },
    durationMs: 200,
    warmupMs: 0,
    seed: 1,
  };
  // Nothing listens on port 9: the generator answers with the load library's own error.
  await assert.rejects(generator.run(request), /127\.0\.0\.1:9/);
  const first = generator.pid;
  assert.ok(first);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(generator.run({ ...request, signal: controller.signal }), /aborted/);
  const running = generator.run({ ...request, signal: AbortSignal.timeout(1) });
  await assert.rejects(running, /aborted|127\.0\.0\.1:9/);
  await assert.rejects(generator.run(request), /127\.0\.0\.1:9/);
});
