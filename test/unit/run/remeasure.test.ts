/** A trial INVALID only for a disturbance is measured again, a bounded number of times; any other verdict stands. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VerdictReason } from '../../../src/core/verdict-reason.js';
import { onlyDisturbed } from '../../../src/core/validity.js';
import { measureUntilUndisturbed } from '../../../src/run/remeasure.js';
import { earlierAttempts } from '../../../src/store/status.js';
import type { StoredTrial, TrialAttempt, TrialMeasurement } from '../../../src/store/types.js';

const lag: VerdictReason = { code: 'self-check', message: 'self-check: sends left 14 ms late' };
const steal: VerdictReason = { code: 'machine', message: "the hypervisor took 9.0% of the CPUs' time during the run (steal; the study allows 5.0%)" };
const drift: VerdictReason = { code: 'unstable', message: 'UNSTABLE: typical latency rose 30% over the run' };
const behind: VerdictReason = { code: 'target-behind', message: 'the target answered 610 of 900 scheduled requests' };
const tooFew: VerdictReason = { code: 'p99-unsupported', message: 'p99 is backed by 500 requests' };

const invalid = (p99: number, ...reasons: VerdictReason[]): TrialMeasurement => ({ metrics: { p99_ms: p99 }, valid: false, verdictReasons: reasons });
const valid = (p99: number): TrialMeasurement => ({ metrics: { p99_ms: p99 }, valid: true });

/** Measures from a script and records what the policy set aside. */
async function run(script: TrialMeasurement[], remeasure: number, discardWorks = true): Promise<{ final: TrialMeasurement; measured: number; discarded: number[] }> {
  let measured = 0;
  const discarded: number[] = [];
  const final = await measureUntilUndisturbed(async () => script[measured++]!, {
    remeasure,
    discard: async (disturbed) => {
      if (!discardWorks) return false;
      discarded.push(disturbed.metrics.p99_ms!);
      return true;
    },
  });
  return { final, measured, discarded };
}

test('disturbance reasons are schedule lag, steal over the limit and an unsteady run, and only those', () => {
  assert.equal(onlyDisturbed(false, [lag]), true);
  assert.equal(onlyDisturbed(false, [drift, steal]), true);
  assert.equal(onlyDisturbed(false, [lag, behind]), false, 'a target that did not keep up would not the next time either');
  assert.equal(onlyDisturbed(false, [tooFew]), false);
  assert.equal(onlyDisturbed(false, [{ code: 'constraint', message: 'p99_ms 40 exceeds the constraint max 20' }]), false);
  assert.equal(onlyDisturbed(false, []), false, 'INVALID without a reason is not explained by anything');
  assert.equal(onlyDisturbed(true, []), false);
});

test('a disturbed trial is measured again and the undisturbed measurement is its result', async () => {
  const { final, measured, discarded } = await run([invalid(40, lag), valid(6)], 2);
  assert.deepEqual(final, valid(6));
  assert.equal(measured, 2);
  assert.deepEqual(discarded, [40], 'the disturbed measurement is kept as an earlier attempt');
});

test('the number of extra measurements is bounded; the last verdict stands even if INVALID', async () => {
  const { final, measured, discarded } = await run([invalid(40, lag), invalid(41, steal), invalid(42, drift), valid(6)], 2);
  assert.deepEqual(final, invalid(42, drift));
  assert.equal(measured, 3);
  assert.deepEqual(discarded, [40, 41]);
  assert.equal((await run([invalid(40, lag), valid(6)], 0)).measured, 1, 'remeasure: 0 measures once');
});

test("a configuration's own INVALID verdict is not measured again", async () => {
  for (const reasons of [[behind], [lag, behind], [tooFew]]) {
    const { final, measured } = await run([invalid(90, ...reasons), valid(6)], 2);
    assert.equal(measured, 1, reasons.map((reason) => reason.code).join(', '));
    assert.equal(final.valid, false);
  }
  assert.equal((await run([valid(6), valid(7)], 2)).measured, 1, 'a VALID trial is measured once');
});

test('a trial whose attempt cannot be set aside (no longer running) keeps its measurement', async () => {
  const { final, measured } = await run([invalid(40, lag), valid(6)], 2, false);
  assert.equal(measured, 1);
  assert.deepEqual(final, invalid(40, lag));
});

test('status counts the attempts set aside as remeasured', () => {
  const trial = { trialId: 't', state: 'completed', attempt: 3 } as StoredTrial;
  const attempt = (n: number, state: TrialAttempt['state'], isValid: boolean): TrialAttempt => ({ trialId: 't', attempt: n, state, valid: isValid, metrics: {} });
  assert.deepEqual(earlierAttempts([trial], [attempt(1, 'completed', false), attempt(2, 'completed', false), attempt(3, 'completed', true)]), { remeasured: 2 });
});
