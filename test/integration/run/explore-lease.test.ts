/**
 * Two runners of one study on one store: while `servelab explore` runs, a second explore of the same study
 * (or a distributed coordinator) is refused with the running process named, and nothing is written for it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { coordinateStudy } from '../../../src/distributed/coordinator.js';
import { asAsyncStore } from '../../../src/store/async-store.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';
import { servelab, startServelab } from '../../support/cli.js';

const STUDY = `
name: leased
models: [mnist-cnn]
workloads: [mnist-digits]
knobs:
  instances: [1, 2]
load:
  pattern: constant
  rates: [40]
  duration: 2s
  warmup: 200ms
objectives: [{ metric: p50_ms }]
`;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('a second explore of a running study is refused with the pid, host and start time of the first', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-lease-e2e-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const studyPath = join(dir, 'study.yaml');
  const dbPath = join(dir, 'study.db');
  writeFileSync(studyPath, STUDY);
  const cli = startServelab(['explore', studyPath, '--db', dbPath, '--quiet']);
  const first = cli.child;
  t.after(() => cli.stop());

  let lease;
  for (let i = 0; i < 240 && first.exitCode === null && !lease; i++) {
    await sleep(250);
    try {
      const store = openSqliteStore(dbPath, { mustExist: true, readonly: true });
      lease = store.studyLease('leased');
      store.close();
    } catch {
      // not created yet
    }
  }
  assert.ok(lease, `the first explore holds the lease (${cli.output().stderr})`);
  assert.equal(lease.pid, first.pid);

  const second = await servelab('explore', studyPath, '--db', dbPath, '--quiet');
  assert.equal(first.exitCode, null, 'the first explore is still running');
  assert.equal(second.code, 1);
  assert.equal(second.stderr.trim().split('\n').length, 1, second.stderr);
  const expected = new RegExp(`^servelab: study 'leased' is already being run by pid ${first.pid} on ${hostname()} \\(explore, started ${lease.acquiredAt.replace(/\./g, '\\.')}, last heartbeat`);
  assert.match(second.stderr, expected);

  // A distributed coordinator of the same study on the same store is refused the same way, before it reaches a queue.
  const store = asAsyncStore(openSqliteStore(dbPath));
  t.after(() => store.close());
  await assert.rejects(
    coordinateStudy({ studyPath, queueUrl: 'redis://127.0.0.1:1', store, log: () => undefined }),
    new RegExp(`study 'leased' is already being run by pid ${first.pid} on ${hostname()} \\(explore`),
  );
  assert.equal(first.exitCode, null);
});
