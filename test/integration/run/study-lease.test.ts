/**
 * The study lease on virtual time: a second runner is refused with the holder named; a lease is taken over
 * once its heartbeat is older than the stale timeout, or at once when its holder ran here and is gone; the
 * old holder then learns it lost the lease and stops.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { acquireStudyLease, processAlive, type StudyLeaseOptions } from '../../../src/run/study-lease.js';
import { asAsyncStore, type AsyncResultsStore } from '../../../src/store/async-store.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';

/** A store and lease options sharing one wall clock that moves only when told to, and heartbeats ticked by hand. */
function setup(t: { after(fn: () => void | Promise<void>): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-lease-'));
  let nowMs = Date.parse('2026-11-30T10:00:00.000Z');
  const now = () => new Date(nowMs);
  const store: AsyncResultsStore = asAsyncStore(openSqliteStore(join(dir, 'study.db'), { now }));
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const ticks: (() => void)[] = [];
  const options = (host: string, pid: number, extra: Partial<StudyLeaseOptions> = {}): StudyLeaseOptions => ({
    role: 'explore',
    now,
    host,
    pid,
    heartbeatMs: 10_000,
    staleAfterMs: 60_000,
    isProcessAlive: () => true,
    every: (_intervalMs, tick) => {
      ticks.push(tick);
      return () => ticks.splice(ticks.indexOf(tick), 1);
    },
    ...extra,
  });
  const heartbeat = async () => {
    for (const tick of [...ticks]) tick();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { store, options, heartbeat, advance: (ms: number) => (nowMs += ms), ready: store.openStudy({ studyId: 'demo', definitionHash: 'h', definition: {}, seed: 1 }) };
}

test('a second runner is refused, naming the holder; the holder releases it when done', async (t) => {
  const { store, options, ready } = setup(t);
  await ready;
  const first = await acquireStudyLease(store, 'demo', options('alpha', 4242));
  await assert.rejects(acquireStudyLease(store, 'demo', options('beta', 77)), (error: Error) => {
    assert.match(error.message, /^study 'demo' is already being run by pid 4242 on alpha \(explore, started 2026-11-30T10:00:00\.000Z, last heartbeat just now\) on this store; wait for it to finish or stop it/);
    assert.match(error.message, /frees it 60 s after its last heartbeat/);
    return true;
  });
  first.assertHeld();
  await first.release();
  assert.equal(await store.studyLease('demo'), undefined);
  const second = await acquireStudyLease(store, 'demo', options('beta', 77));
  assert.equal((await store.studyLease('demo'))?.pid, 77);
  await second.release();
});

test('heartbeats keep a lease alive; one silent for longer than the stale timeout is taken over and its holder stops', async (t) => {
  const { store, options, heartbeat, advance, ready } = setup(t);
  await ready;
  const first = await acquireStudyLease(store, 'demo', options('alpha', 4242));
  for (let i = 0; i < 10; i++) {
    advance(10_000);
    await heartbeat();
  }
  await assert.rejects(acquireStudyLease(store, 'demo', options('beta', 77)), /already being run by pid 4242 on alpha .*last heartbeat just now/);
  advance(30_000);
  await assert.rejects(acquireStudyLease(store, 'demo', options('beta', 77)), /last heartbeat 30 s ago/);
  advance(30_001); // e.g. the machine of the first runner was suspended
  const second = await acquireStudyLease(store, 'demo', options('beta', 77, { role: 'coordinator' }));
  assert.equal((await store.studyLease('demo'))?.host, 'beta');
  await heartbeat();
  assert.throws(() => first.assertHeld(), /study 'demo': this runner lost its lease to pid 77 on beta \(coordinator, since 2026-11-30T10:02:40\.001Z\)/);
  await first.release(); // must not free the new holder's lease
  assert.equal((await store.studyLease('demo'))?.holderId, second.claim.holderId);
  second.assertHeld();
  await second.release();
});

test('a lease whose holder ran on this host and is gone is taken over at once; one from another host waits', async (t) => {
  const { store, options, ready } = setup(t);
  await ready;
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const deadPid = Number(gone.stdout);
  assert.equal(processAlive(deadPid), false);
  assert.equal(processAlive(process.pid), true);
  // Exited but not reaped by its parent (a zombie: here the parent exec'd into a sleep that never waits): gone as well.
  const parent = spawn('sh', ['-c', 'sleep 0.2 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.after(() => parent.kill('SIGKILL'));
  const zombiePid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()))));
  for (let i = 0; i < 200 && !readFileSync(`/proc/${zombiePid}/stat`, 'utf8').includes(') Z '); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(processAlive(zombiePid), false);
  await acquireStudyLease(store, 'demo', options('alpha', deadPid, { isProcessAlive: processAlive })); // never released: killed
  await assert.rejects(acquireStudyLease(store, 'demo', options('beta', process.pid, { isProcessAlive: processAlive })), /already being run by pid \d+ on alpha/);
  const here = await acquireStudyLease(store, 'demo', options('alpha', process.pid, { isProcessAlive: processAlive }));
  assert.equal((await store.studyLease('demo'))?.pid, process.pid);
  await here.release();
});
