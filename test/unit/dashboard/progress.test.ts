/** The progress panel's numbers, on fixed times: counts, elapsed, rate, estimate, failures, machines. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RATE_WINDOW_MS, recentRate, studyProgress } from '../../../src/dashboard/study-progress.js';
import type { DashboardRow } from '../../../src/dashboard/types.js';

const T0 = Date.parse('2026-11-01T10:00:00.000Z');
const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

function row(id: string, overrides: Partial<DashboardRow>): DashboardRow {
  return {
    id,
    config: `{"instances":${id.length}}`,
    knobs: { instances: id.length },
    model: 'm',
    workload: 'w',
    load: 'light',
    repetition: 0,
    state: 'planned',
    attempt: 0,
    verdict: 'planned',
    reasons: [],
    metrics: {},
    ...overrides,
  };
}

const done = (id: string, startS: number, endS: number, extra: Partial<DashboardRow> = {}): DashboardRow =>
  row(id, { state: 'completed', verdict: 'valid', attempt: 1, startedAt: at(startS), finishedAt: at(endS), ...extra });

test('counts, elapsed to now while trials run, recent rate and the remaining time at that rate', () => {
  const rows = [
    done('a', 0, 30),
    done('b', 30, 60, { verdict: 'invalid', reasons: ['UNSTABLE: drift'] }),
    done('c', 60, 90),
    row('d', { state: 'failed', verdict: 'failed', attempt: 1, startedAt: at(90), finishedAt: at(120), failureKind: 'crash', reasons: ['the server exited with code 1'] }),
    row('e', { state: 'running', verdict: 'running', attempt: 1, startedAt: at(120) }),
    row('f', {}),
  ];
  const progress = studyProgress({ rows, expectedTrials: 10, knobOrder: ['instances'], nowMs: T0 + 150_000 });
  assert.equal(progress.planned, 10);
  assert.deepEqual([progress.completed, progress.failed, progress.running, progress.valid, progress.invalid, progress.pending], [3, 1, 1, 2, 1, 5]);
  assert.equal(progress.elapsedMs, 150_000, 'from the first start to now, since a trial is running');
  // Four finishes 30 s apart: 2 per minute; 6 trials remain: 3 minutes.
  assert.equal(progress.trialsPerMinute, 2);
  assert.equal(progress.remainingMs, 180_000);
  assert.equal(progress.firstStartedAt, at(0));
  assert.equal(progress.lastFinishedAt, at(120));
  assert.deepEqual(progress.contexts, [{ model: 'm', workload: 'w', load: 'light', planned: 6, running: 1, completed: 3, failed: 1, valid: 2 }]);
  assert.deepEqual(progress.failures, [
    { kind: 'crash', count: 1, reasons: [{ reason: 'the server exited with code 1', count: 1 }] },
    { kind: 'invalid', count: 1, reasons: [{ reason: 'UNSTABLE: drift', count: 1 }] },
  ]);
  assert.equal(progress.computedAt, new Date(T0 + 150_000).toISOString());
});

test('a stopped study: elapsed ends at its last finish, the rate is its own, nothing is guessed before two finishes', () => {
  const stopped = studyProgress({ rows: [done('a', 0, 60), done('b', 60, 120), row('c', {})], knobOrder: [], nowMs: T0 + 3_600_000 });
  assert.equal(stopped.elapsedMs, 120_000);
  assert.equal(stopped.running, 0);
  assert.equal(stopped.trialsPerMinute, 1);
  assert.equal(stopped.remainingMs, 60_000);

  const one = studyProgress({ rows: [done('a', 0, 60), row('b', {})], knobOrder: [], nowMs: T0 + 70_000 });
  assert.equal(one.trialsPerMinute, null);
  assert.equal(one.remainingMs, null);
  const none = studyProgress({ rows: [row('a', {})], knobOrder: [], nowMs: T0 });
  assert.deepEqual([none.elapsedMs, none.trialsPerMinute, none.remainingMs, none.firstStartedAt], [0, null, null, undefined]);
  const finished = studyProgress({ rows: [done('a', 0, 60), done('b', 60, 120)], knobOrder: [], nowMs: T0 + 200_000 });
  assert.equal(finished.remainingMs, 0);
});

test('the rate looks at the recent window only, so a pause before a resume does not dilute it', () => {
  const hour = 3_600_000;
  // Two finishes an hour ago, then a resumed run finishing one trial every 20 s.
  const finishes = [0, 60_000, hour, hour + 20_000, hour + 40_000, hour + 60_000];
  assert.equal(recentRate(finishes), 3);
  assert.ok(RATE_WINDOW_MS < hour);
  assert.equal(recentRate([]), null);
  assert.equal(recentRate([5, 5]), null, 'two finishes at the same instant give no rate');
});

test('machines of a distributed study: what each ran, its last trial, described or not', () => {
  const rows = [
    done('a', 0, 30, { machine: 'w1' }),
    done('bb', 30, 50, { machine: 'w1' }),
    row('c', { state: 'failed', verdict: 'failed', finishedAt: at(40), machine: 'w2', reasons: ['x'] }),
  ];
  const progress = studyProgress({ rows, knobOrder: ['instances'], machines: [{ name: 'w1', cpuModel: 'Xeon', cores: 8 }, { name: 'w3' }], nowMs: T0 + 60_000 });
  assert.deepEqual(progress.machines, [
    { machine: 'w1', cpuModel: 'Xeon', cores: 8, completed: 2, failed: 0, lastTrial: { id: 'bb', label: 'instances=2 · m · w · light', finishedAt: at(50) } },
    { machine: 'w2', completed: 0, failed: 1, lastTrial: { id: 'c', label: 'instances=1 · m · w · light', finishedAt: at(40) } },
    { machine: 'w3', completed: 0, failed: 0 },
  ]);
  assert.deepEqual(studyProgress({ rows: [done('a', 0, 1)], knobOrder: [], nowMs: T0 }).machines, []);
});

test('invalid trials are grouped by reason code with an example message; reasons stored before codes by their message', () => {
  const invalid = (id: string, verdictReasons: NonNullable<DashboardRow['verdictReasons']>): DashboardRow =>
    done(id, 0, 10, { verdict: 'invalid', reasons: verdictReasons.map((reason) => reason.message), verdictReasons });
  const rows = [
    invalid('a', [{ code: 'unstable', message: 'UNSTABLE: p99 latency drifts +40%' }, { code: 'constraint', message: 'p99_ms 12 exceeds the constraint max 10' }]),
    invalid('bb', [{ code: 'unstable', message: 'UNSTABLE: only 2 measurement window(s); 3 are needed' }]),
    // Two constraints broken by one trial count that trial once.
    invalid('ccc', [{ code: 'constraint', message: 'p99_ms 15 exceeds the constraint max 10' }, { code: 'constraint', message: 'energy_j_per_inf 2 exceeds the constraint max 1' }]),
    invalid('dddd', [{ code: 'unstable', message: 'UNSTABLE: throughput varies' }]),
    invalid('eeeee', [{ code: 'unclassified', message: 'an old reason' }]),
    invalid('ffffff', [{ code: 'unclassified', message: 'another old reason' }]),
    done('g', 0, 10, { verdict: 'invalid', reasons: [] }),
  ];
  const [group] = studyProgress({ rows, knobOrder: [], nowMs: T0 + 20_000 }).failures;
  assert.deepEqual(group, {
    kind: 'invalid',
    count: 7,
    reasons: [
      { code: 'unstable', reason: 'UNSTABLE: p99 latency drifts +40%', count: 3 },
      { code: 'constraint', reason: 'p99_ms 12 exceeds the constraint max 10', count: 2 },
      { code: 'unclassified', reason: 'an old reason', count: 1 },
      { code: 'unclassified', reason: 'another old reason', count: 1 },
      { reason: 'no reason recorded', count: 1 },
    ],
  });
});
