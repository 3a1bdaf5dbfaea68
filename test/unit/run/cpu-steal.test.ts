/** Steal time from /proc/stat: the share of the chosen CPUs' time the hypervisor gave to other guests. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readCpuTimes, stealShare, stealVerdict } from '../../../src/run/cpu-steal.js';

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

test('steal over the study limit makes a trial INVALID; below it, a notable share is only named beside other reasons', () => {
  assert.deepEqual(stealVerdict(0.08, 0.05, false), {
    invalidates: true,
    reasons: [{ code: 'machine', message: "the hypervisor took 8.0% of the CPUs' time during the run (steal; the study allows 5.0%, validity.maxCpuSteal)" }],
  });
  assert.deepEqual(stealVerdict(0.034, 0.05, true), { invalidates: false, reasons: [{ code: 'machine', message: "note: the hypervisor took 3.4% of the CPUs' time during the run (steal)" }] });
  assert.deepEqual(stealVerdict(0.034, 0.05, false), { invalidates: false, reasons: [] }, 'a VALID trial carries no note');
  assert.deepEqual(stealVerdict(0.01, 0.05, true), { invalidates: false, reasons: [] }, 'too little to name');
  assert.deepEqual(stealVerdict(undefined, 0.05, true), { invalidates: false, reasons: [] }, 'no reading');
  assert.equal(stealVerdict(0.3, 1, false).invalidates, false, 'a limit of 1 allows any steal');
});
