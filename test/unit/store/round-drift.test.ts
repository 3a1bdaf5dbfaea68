/** Drift between repetition rounds: a machine that slows by 10% between rounds is seen; a steady one is not. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../../src/core/random.js';
import type { TrialRow } from '../../../src/core/trial.js';
import { formatDrift, roundDrift } from '../../../src/store/round-drift.js';

function rows(slowdown: number, seed: number): TrialRow[] {
  const rng = createRng(seed, 'drift-test');
  const out: TrialRow[] = [];
  for (let config = 0; config < 9; config++) {
    const base = 5 + config;
    for (let repetition = 0; repetition < 2; repetition++) {
      const noise = 1 + 0.02 * (rng.next() * 2 - 1);
      out.push({
        trialId: `${config}-${repetition}`,
        configuration: { instances: config },
        context: { model: 'm', workload: 'w', load: 'l' },
        repetition,
        state: 'completed',
        valid: true,
        metrics: { p99_ms: base * noise * (repetition === 1 ? 1 + slowdown : 1) },
      });
    }
  }
  return out;
}

test('a 10% slowdown between rounds is estimated with an interval that holds it', () => {
  const drift = roundDrift(rows(0.1, 1), ['p99_ms']).p99_ms!;
  assert.equal(drift.pairs, 9);
  assert.ok(drift.ciLow <= 0.1 && drift.ciHigh >= 0.1, JSON.stringify(drift));
  assert.ok(drift.ciLow > 0, 'the interval excludes no drift');
  assert.match(formatDrift('p99_ms', drift), /^p99_ms \+\d+\.\d% \[\+\d+\.\d%, \+\d+\.\d%\] from round 1 to 2 \(9 configurations\)$/);
});

test('a steady machine: the interval holds zero in most seeds; one round gives no estimate', () => {
  let holdsZero = 0;
  for (let seed = 0; seed < 40; seed++) {
    const drift = roundDrift(rows(0, seed), ['p99_ms']).p99_ms!;
    if (drift.ciLow <= 0 && drift.ciHigh >= 0) holdsZero++;
  }
  assert.ok(holdsZero >= 34, `${holdsZero} of 40`);
  assert.deepEqual(roundDrift(rows(0, 1).filter((row) => row.repetition === 0), ['p99_ms']), {});
});
