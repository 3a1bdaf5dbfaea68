import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { allowedCpus, commandOnPath } from '../../../src/knobs/cpus.js';
import { DEFAULT_MODEL_CONFIG, startServer } from '../../../src/server/index.js';
import { instanceThreadsOf } from '../../../src/server/io-thread.js';
import { planThreadPlacement, threadCpus } from '../../../src/server/engine/thread-placement.js';
import { MODEL_PATHS } from '../../support/server/fixtures/models.js';
import { sample } from '../../support/server/support.js';

test('thread placement: the I/O thread gets the last CPU only when the instance threads leave one free, and says why not otherwise', () => {
  const base = { mode: 'auto' as const, allowedCpus: [0, 1, 2, 3], canPin: true };
  const separate = planThreadPlacement({ ...base, instanceThreads: 2 });
  assert.deepEqual({ separate: separate.separate, io: separate.ioCpus, instances: separate.instanceCpus }, { separate: true, io: [3], instances: [0, 1, 2] });
  assert.match(separate.reason, /I\/O thread on CPU 3, 2 instance thread\(s\) on CPU 0,1,2/);
  assert.equal(planThreadPlacement({ ...base, instanceThreads: 3 }).separate, true);
  const full = planThreadPlacement({ ...base, instanceThreads: 4 });
  assert.deepEqual({ separate: full.separate, io: full.ioCpus, instances: full.instanceCpus }, { separate: false, io: [0, 1, 2, 3], instances: [0, 1, 2, 3] });
  assert.match(full.reason, /4 instance thread\(s\) leave none of the 4 CPU\(s\) free/);
  assert.match(planThreadPlacement({ ...base, instanceThreads: null }).reason, /intraOpThreads 0/);
  assert.match(planThreadPlacement({ ...base, instanceThreads: 1, canPin: false }).reason, /taskset is not on the PATH/);
  assert.match(planThreadPlacement({ ...base, instanceThreads: 1, mode: 'shared' }).reason, /threadPlacement is shared/);
  assert.equal(planThreadPlacement({ ...base, allowedCpus: [5], instanceThreads: 1 }).separate, false);
  assert.deepEqual(planThreadPlacement({ ...base, allowedCpus: [2, 5], instanceThreads: 1 }).ioCpus, [5]);
});

test('instance threads: instances × intra-op threads (plus inter-op in parallel mode) over models; null when ORT picks the count', () => {
  const config = (instances: number, intraOpThreads: number, executionMode: 'sequential' | 'parallel' = 'sequential', interOpThreads = 0) => ({
    ...DEFAULT_MODEL_CONFIG,
    instances,
    ort: { ...DEFAULT_MODEL_CONFIG.ort, intraOpThreads, executionMode, interOpThreads },
  });
  assert.equal(instanceThreadsOf([config(2, 1)]), 2);
  assert.equal(instanceThreadsOf([config(1, 2), config(3, 1)]), 5);
  assert.equal(instanceThreadsOf([config(1, 1, 'parallel', 2)]), 3);
  assert.equal(instanceThreadsOf([config(1, 1, 'parallel', 0)]), null);
  assert.equal(instanceThreadsOf([config(1, 1), config(1, 0)]), null);
  assert.equal(instanceThreadsOf([]), 0);
});

const cpus = allowedCpus();
const canSeparate = cpus.length >= 2 && commandOnPath('taskset');

test('a server of 1 instance x 1 thread keeps its I/O thread off the instance CPU, reports the layout, and gives the CPUs back at close', { skip: canSeparate ? false : 'needs 2 CPUs and taskset (util-linux)' }, async () => {
  const mainBefore = threadCpus(process.pid);
  const server = await startServer({ httpPort: 0, grpcPort: null, models: [{ name: 'cls', path: MODEL_PATHS.cls }], defaults: { ort: { intraOpThreads: 1 } } });
  try {
    const ioCpus = cpus.slice(-1);
    const instanceCpus = cpus.slice(0, -1);
    const placement = server.describe().applied.threadPlacement;
    assert.equal(placement.separate, true, placement.reason);
    assert.deepEqual(threadCpus(process.pid), ioCpus, 'the I/O (main) thread is pinned');
    const threadLists = readdirSync('/proc/self/task').map((id) => threadCpus(Number(id))?.join(','));
    assert.ok(threadLists.includes(instanceCpus.join(',')), `an instance thread on CPU ${instanceCpus.join(',')}: ${threadLists.join(' / ')}`);
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    assert.equal(sample(metrics, `servelab_thread_placement_info{separate="true",io_cpus="${ioCpus.join(',')}",instance_cpus="${instanceCpus.join(',')}"}`), 1);
  } finally {
    await server.close();
  }
  assert.deepEqual(threadCpus(process.pid), mainBefore, 'the I/O thread has its CPUs back');
});

test('with intra-op threads left to ORT (the default), or threadPlacement shared, every thread shares the CPUs and the metric says so', async () => {
  for (const config of [{}, { threadPlacement: 'shared' as const, defaults: { ort: { intraOpThreads: 1 } } }]) {
    const server = await startServer({ httpPort: 0, grpcPort: null, models: [{ name: 'cls', path: MODEL_PATHS.cls }], ...config });
    try {
      const placement = server.describe().applied.threadPlacement;
      assert.equal(placement.separate, false);
      assert.match(placement.reason, /share CPU/);
      const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
      assert.match(metrics, /servelab_thread_placement_info\{separate="false",io_cpus="[\d,]+",instance_cpus="[\d,]+"\} 1/);
    } finally {
      await server.close();
    }
  }
});
