/**
 * bench:distributed — the same small study run with 1, 2 and 3 workers (each pinned to its own core where the
 * machine has enough), against private Redis and PostgreSQL instances. Prints the speed-up over one worker
 * and the coordination overhead per trial: time on the store (reads and writes around each trial) plus the
 * queue hand-off (from a job being available to a free worker starting it), next to the trial time.
 *
 *   npm run bench:distributed [-- --workers 1,2,3 --duration 8s]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { redisConnection } from '../src/distributed/connection.js';
import { STUDY_QUEUE, type StudyJobResult } from '../src/distributed/bullmq-queue.js';
import { coordinateStudy } from '../src/distributed/coordinator.js';
import type { StudyJob } from '../src/run/study-jobs.js';
import { openResultsStore } from '../src/store/async-store.js';
import { servicesUnavailableReason, startPostgres, startRedis } from '../test/support/services.js';

const BIN = fileURLToPath(new URL('../bin/servelab.js', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 && args[index + 1] ? args[index + 1]! : fallback;
};
const workerCounts = option('workers', '1,2,3').split(',').map(Number);
const duration = option('duration', '8s');

const study = (name: string) => `
name: ${name}
seed: 5
models: [mnist-cnn]
workloads: [mnist-digits]
knobs:
  instances: [1, 2]
  batching:
    enabled: [false, true]
    maxBatchSize: 4
  ort:
    intraOpThreads: [1]
load:
  pattern: poisson
  rates: [40, 80]
  duration: ${duration}
  warmup: 1s
objectives:
  - { metric: p99_ms, direction: min }
  - { metric: energy_j_per_inf, direction: min }
sampler: { kind: full-factorial }
repetitions: 1
trialTimeout: 2m
energy: { meter: estimate }
`;

interface Row {
  workers: number;
  wallS: number;
  trials: number;
  trialS: number;
  storeMsPerTrial: number;
  queueMsPerTrial: number;
}

async function main(): Promise<void> {
  const unavailable = servicesUnavailableReason();
  if (unavailable) {
    console.error(`bench:distributed needs Redis and PostgreSQL: ${unavailable}`);
    process.exitCode = 1;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'servelab-bench-distributed-'));
  const redis = await startRedis();
  const postgres = await startPostgres();
  const store = await openResultsStore(postgres.url);
  const queue = new Queue<StudyJob, StudyJobResult>(STUDY_QUEUE, { connection: redisConnection(redis.url) });
  const rows: Row[] = [];
  const cores = cpus().length;
  try {
    for (const workers of workerCounts) {
      const name = `bench-distributed-${workers}w`;
      const studyPath = join(dir, `${name}.yaml`);
      writeFileSync(studyPath, study(name));
      const children: ChildProcess[] = [];
      for (let i = 0; i < workers; i++) {
        const argv = [process.execPath, BIN, 'worker', '--queue', redis.url, '--store', postgres.url, '--name', `w${i + 1}`];
        // Pin each worker (and the servers it starts) to its own core where there are enough cores.
        const pinned = workers <= cores ? ['taskset', '-c', String(i % cores), ...argv] : argv;
        children.push(spawn(pinned[0]!, pinned.slice(1), { stdio: 'ignore' }));
      }
      // Wait for every worker to be connected, so worker start-up is not counted as queue hand-off time.
      while ((await queue.getWorkers()).length < workers) await new Promise((resolve) => setTimeout(resolve, 200));
      const startedMs = performance.now();
      // One configuration queued ahead of the workers, so one that finishes never waits for the coordinator's next poll.
      const summary = await coordinateStudy({ studyPath, queueUrl: redis.url, store, parallelism: workers + 1, pollMs: 200, log: () => undefined });
      const wallS = (performance.now() - startedMs) / 1000;
      for (const child of children) child.kill('SIGTERM');
      await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
      const jobs = (await queue.getCompleted(0, -1)).filter((job) => job.data.studyId === name);
      const byWorker = new Map<string, typeof jobs>();
      for (const job of jobs) byWorker.set(job.returnvalue.worker, [...(byWorker.get(job.returnvalue.worker) ?? []), job]);
      let queueMs = 0;
      for (const list of byWorker.values()) {
        list.sort((a, b) => (a.processedOn ?? 0) - (b.processedOn ?? 0));
        let freeAt = 0;
        for (const job of list) {
          queueMs += Math.max(0, (job.processedOn ?? 0) - Math.max(job.timestamp, freeAt));
          freeAt = job.finishedOn ?? freeAt;
        }
      }
      const trials = summary.completed + summary.failed;
      const storeMs = jobs.reduce((sum, job) => sum + job.returnvalue.coordinationMs, 0);
      const workMs = jobs.reduce((sum, job) => sum + job.returnvalue.workMs, 0);
      rows.push({ workers, wallS, trials, trialS: workMs / 1000 / trials, storeMsPerTrial: storeMs / trials, queueMsPerTrial: queueMs / trials });
      console.error(`${workers} worker(s): ${trials} trials in ${wallS.toFixed(1)} s`);
    }
  } finally {
    await queue.close();
    await store.close();
    await redis.stop();
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const base = rows[0]!;
  console.log(`\nbench:distributed on ${cores} cores (${cpus()[0]?.model.trim()}), ${duration} measured per trial\n`);
  console.log('workers  wall s  speed-up  trials  trial s  store ms/trial  queue ms/trial  overhead % of trial  overhead % of a 10 s trial');
  for (const row of rows) {
    const overheadMs = row.storeMsPerTrial + row.queueMsPerTrial;
    console.log(
      [
        String(row.workers).padStart(7),
        row.wallS.toFixed(1).padStart(6),
        (base.wallS / row.wallS).toFixed(2).padStart(8),
        String(row.trials).padStart(6),
        row.trialS.toFixed(2).padStart(7),
        row.storeMsPerTrial.toFixed(1).padStart(14),
        row.queueMsPerTrial.toFixed(1).padStart(14),
        ((100 * overheadMs) / (row.trialS * 1000)).toFixed(3).padStart(19),
        ((100 * overheadMs) / 10_000).toFixed(3).padStart(26),
      ].join('  '),
    );
  }
}

await main();
