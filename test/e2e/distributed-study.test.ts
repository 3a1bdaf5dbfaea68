/**
 * A distributed study end to end: Redis and PostgreSQL on this machine, three `servelab worker` processes each
 * in its own network namespace (a separate test host reaching the services over its veth link), and a
 * coordinator that is itself killed and restarted. One worker is killed with -9 in the middle of a trial:
 * its trial must be retried elsewhere, and every planned trial must complete exactly once. Then `analyze`
 * on the PostgreSQL store must equal `analyze` on an SQLite export (`servelab export --sqlite`) of the same trials.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeTrials } from '../../src/analysis/index.js';
import { openResultsStore, readStudyRows, type AsyncResultsStore } from '../../src/store/async-store.js';
import { exportStudy } from '../../src/store/export.js';
import { studyStatus } from '../../src/store/status.js';
import { startServelab, type RunningServelab } from '../support/cli.js';
import { servicesUnavailableReason, startPostgres, startRedis, type RunningService } from '../support/services.js';
import { createTestHosts, removeTestHosts, testHostsUnavailableReason, type TestHost } from '../support/test-hosts.js';

const unavailable = servicesUnavailableReason();
const hostsUnavailable = unavailable ? undefined : testHostsUnavailableReason();

const STUDY = `
name: distributed-small
seed: 3
models: [mnist-cnn]
workloads: [mnist-digits]
knobs:
  instances: [1, 2]
  batching:
    enabled: [false, true]
    maxBatchSize: 4
    maxQueueDelayUs: 1000
load:
  pattern: constant      # evenly spaced arrivals: Poisson counts in short windows vary too much for the stability rule
  rates: [100]
  duration: 7s          # 700 requests: enough to back a p99, so trials are VALID
  warmup: 500ms
objectives:
  - { metric: p99_ms, direction: min }
  - { metric: energy_j_per_inf, direction: min }
sampler: { kind: full-factorial }
repetitions: 1
trialTimeout: 90s
energy: { meter: estimate }
`;

let dir: string;
let redis: RunningService | undefined;
let postgres: RunningService | undefined;
let hosts: TestHost[] = [];
const children: RunningServelab[] = [];

before(async () => {
  if (unavailable) return;
  dir = mkdtempSync(join(tmpdir(), 'servelab-distributed-'));
  if (!hostsUnavailable) hosts = createTestHosts(3);
  const gateways = hosts.map((host) => host.gatewayAddress);
  redis = await startRedis(gateways);
  postgres = await startPostgres(gateways);
});

after(async () => {
  for (const child of children) killGroup(child);
  removeTestHosts(hosts);
  await redis?.stop();
  await postgres?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function killGroup(cli: RunningServelab): void {
  // Workers run in their own process group with the servers they start: -9 to the group is a machine dying.
  if (cli.child.exitCode === null && cli.child.signalCode === null) {
    try {
      process.kill(-cli.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** Starts a servelab command, inside a test host's namespace when there is one. */
function servelab(args: readonly string[], host?: TestHost): RunningServelab {
  const cli = startServelab(args, { detached: true, ...(host ? { wrapper: ['ip', 'netns', 'exec', host.namespace] } : {}) });
  children.push(cli);
  return cli;
}

function outputOf(cli: RunningServelab): string {
  const { stdout, stderr } = cli.output();
  return `${stdout}${stderr}`;
}

function startWorker(index: number): RunningServelab {
  const host = hosts[index];
  const reach = (service: RunningService, scheme: string) =>
    host ? `${scheme}://${scheme === 'postgres' ? 'postgres@' : ''}${host.gatewayAddress}:${service.port}${scheme === 'postgres' ? '/postgres' : ''}` : service.url;
  return servelab(['worker', '--queue', reach(redis!, 'redis'), '--store', reach(postgres!, 'postgres'), '--name', `worker${index + 1}`, '--lock-ms', '3000'], host);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${children.map(outputOf).join('\n---\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function exited(cli: RunningServelab): Promise<number | null> {
  return (await cli.exited).code;
}

test('three workers on separate hosts complete every trial exactly once, through a kill -9 and a coordinator restart', { skip: unavailable, timeout: 420_000 }, async (t) => {
  if (hostsUnavailable) t.diagnostic(`network namespaces unavailable (${hostsUnavailable}): workers run as plain processes on loopback`);
  else t.diagnostic(`workers on test hosts ${hosts.map((h) => `${h.namespace} (${h.address})`).join(', ')}`);
  const studyPath = join(dir, 'study.yaml');
  writeFileSync(studyPath, STUDY);
  const coordinatorArgs = ['explore', studyPath, '--distributed', '--queue', redis!.url, '--store', postgres!.url, '--parallelism', '3'];
  const store: AsyncResultsStore = await openResultsStore(postgres!.url);
  try {
    let coordinator = servelab(coordinatorArgs);
    // Worker 1 alone first, so the trial it is running when killed is certainly its own.
    const doomed = startWorker(0);
    const running = await waitFor(
      'a running trial',
      async () => {
        const rows = await store.trialRows('distributed-small').catch(() => []);
        return rows.find((row) => row.state === 'running');
      },
      120_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500)); // mid-measurement
    killGroup(doomed);
    await exited(doomed);
    // The coordinator dies too, and comes back: the study must go on from the store and the queue.
    killGroup(coordinator);
    await exited(coordinator);
    coordinator = servelab(coordinatorArgs);
    startWorker(1);
    startWorker(2);
    // unref: a pending limit must not keep the test process alive once the coordinator has exited.
    const code = await Promise.race([exited(coordinator), new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 360_000).unref())]);
    assert.equal(code, 0, `coordinator failed:\n${outputOf(coordinator)}`);

    const trials = await store.trials('distributed-small');
    assert.equal(trials.length, 4, 'one trial per configuration of the 2 x 2 design');
    assert.deepEqual(trials.map((trial) => trial.state), ['completed', 'completed', 'completed', 'completed']);
    assert.equal(new Set(trials.map((trial) => trial.trialId)).size, 4);
    const killed = trials.find((trial) => trial.trialId === running.trialId)!;
    assert.ok(killed.attempt >= 2, `the killed trial was retried (attempts: ${killed.attempt})`);
    const workers = trials.map((trial) => (trial.measurement?.applied as { worker?: { host: string } } | undefined)?.worker?.host);
    assert.ok(workers.every((name) => name === 'worker2' || name === 'worker3'), `completed by the surviving workers: ${workers.join(', ')}`);
    const progress = await store.progress('distributed-small');
    assert.deepEqual([progress.planned, progress.completed, progress.failed, progress.remaining], [4, 4, 0, 0]);
    const [status] = await studyStatus(postgres!.url);
    assert.deepEqual([status?.studyId, status?.completed, status?.remaining], ['distributed-small', 4, 0], '`servelab status` reads the PostgreSQL store');

    // analyze on PostgreSQL == analyze on an SQLite copy of the same trials
    const sqlitePath = join(dir, 'copy.db');
    assert.deepEqual(await exportStudy(postgres!.url, { sqlitePath }), { study: 'distributed-small', rows: 4 });
    const sqliteRows = await readStudyRows(sqlitePath, 'distributed-small');
    const postgresRows = await readStudyRows(postgres!.url, 'distributed-small');
    assert.deepEqual(sqliteRows, postgresRows, 'the same trial rows from both backends');
    const invalid = postgresRows.filter((row) => !row.valid);
    if (invalid.length > 0) {
      // A loaded machine can make measurements INVALID (too few requests for a percentile, unstable windows);
      // the comparison is about the two backends, so both sides analyze the rows as measured.
      const reasons = new Set(trials.filter((trial) => !trial.row.valid).flatMap((trial) => (trial.measurement?.verdictReasons ?? []).map((reason) => reason.message)));
      t.diagnostic(`${invalid.length} INVALID trials on this machine: ${[...reasons].join('; ')}`);
    }
    const asMeasured = (rows: typeof postgresRows) => rows.map((row) => ({ ...row, valid: true }));
    const fromSqlite = analyzeTrials(asMeasured(sqliteRows), { seed: 1 });
    const fromPostgres = analyzeTrials(asMeasured(postgresRows), { seed: 1 });
    assert.deepEqual(JSON.parse(JSON.stringify(fromPostgres)), JSON.parse(JSON.stringify(fromSqlite)));
    assert.ok(fromPostgres.pareto.length > 0);
  } finally {
    await store.close();
  }
});
