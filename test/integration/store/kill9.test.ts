/** The store alone under kill -9: a writer process is killed mid-stream; every trial it reported committed is there once. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';

const WRITER = `
import { openSqliteStore } from ${JSON.stringify(new URL('../../../src/store/sqlite-store.ts', import.meta.url).href)};
const store = openSqliteStore(process.argv[1]);
store.openStudy({ studyId: 's', definitionHash: 'h', definition: {}, seed: 1 });
const trials = Array.from({ length: 1000 }, (_, i) => ({ trialId: 't' + i, studyId: 's', configuration: { k: i % 7 }, context: { model: 'm', workload: 'w', load: 'l' }, repetition: i }));
store.planTrials(trials);
for (const trial of trials) {
  if (store.trial(trial.trialId).state === 'completed') continue;
  store.startTrial(trial.trialId);
  store.completeTrial(trial.trialId, { metrics: { p99_ms: trial.repetition }, valid: true, client: { pad: 'x'.repeat(2000) } });
  process.stdout.write(trial.trialId + '\\n');
}
`;

test('kill -9 during a stream of commits loses and duplicates nothing that was committed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-kill9-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'study.db');
  const reported = new Set<string>();
  for (let round = 0; round < 2; round++) {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', WRITER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buffer = '';
    let lines = 0;
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const parts = buffer.split('\n');
        buffer = parts.pop()!;
        for (const id of parts) reported.add(id);
        lines += parts.length;
        if (lines >= 40 && child.exitCode === null) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
  }
  const store = openSqliteStore(path);
  t.after(() => store.close());
  const trials = store.trials('s');
  const completed = trials.filter((trial) => trial.state === 'completed');
  assert.ok(reported.size >= 80, `reported ${reported.size}`);
  for (const id of reported) assert.equal(store.trial(id)?.state, 'completed', `${id} reported committed`);
  // Nothing completed twice or half-written: one row per trial, every completed one with its measurement
  // (attempt 2 where round one was killed while the trial ran).
  assert.equal(new Set(trials.map((trial) => trial.trialId)).size, trials.length);
  assert.ok(completed.every((trial) => trial.attempt <= 2 && trial.measurement?.metrics.p99_ms === trial.row.repetition));
  assert.ok(trials.filter((trial) => trial.state === 'running').length <= 2);
});
