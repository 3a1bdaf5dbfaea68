/** Steal time from /proc/stat: the share of the chosen CPUs' time the hypervisor gave to other guests. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readCpuTimes, stealReason, stealShare } from '../../src/run/cpu-steal.js';

const before = 'cpu  300 0 30 600 0 0 0 20 0 0\ncpu0 100 0 10 300 0 0 0 10 0 0\ncpu1 200 0 20 300 0 0 0 10 0 0\nintr 1\n';
const after = 'cpu  400 0 40 700 0 0 0 80 0 0\ncpu0 150 0 15 320 0 0 0 15 0 0\ncpu1 250 0 25 380 0 0 0 65 0 0\nintr 2\n';

test('steal is summed over the named CPUs and divided by their total time', () => {
  assert.deepEqual(readCpuTimes([1], before), { stealJiffies: 10, totalJiffies: 530 });
  // cpu1: steal +55 of +190 jiffies
  assert.equal(stealShare(readCpuTimes([1], before), readCpuTimes([1], after)), 55 / 190);
  // both CPUs: steal +60 of +270
  assert.equal(stealShare(readCpuTimes(undefined, before), readCpuTimes(undefined, after)), 60 / 270);
});

test('no reading, no figure', () => {
  assert.equal(stealShare(undefined, readCpuTimes([0], after)), undefined);
  assert.equal(readCpuTimes([7], before), undefined, 'a CPU that is not there');
  assert.ok(readCpuTimes() !== undefined, 'this machine has /proc/stat');
});

test('steal named beside an INVALID verdict is a machine reason', () => {
  assert.deepEqual(stealReason(0.034), { code: 'machine', message: "note: the hypervisor took 3.4% of the CPUs' time during the run (steal)" });
});
