import assert from 'node:assert/strict';
import { test } from 'node:test';
import { searchUntilUndisturbed } from '../../../src/run/capacity-remeasure.js';
import type { CpuTimes } from '../../../src/run/cpu-steal.js';
import type { CapacityResult } from '../../../src/run/load-driver.js';

/** CPU-time readings whose successive pairs carry the given steal shares (100 jiffies per search). */
function readings(steals: readonly number[]): () => CpuTimes {
  const values: CpuTimes[] = [];
  let total = 0;
  let stolen = 0;
  for (const steal of steals) {
    values.push({ stealJiffies: stolen, totalJiffies: total });
    total += 100;
    stolen += steal * 100;
    values.push({ stealJiffies: stolen, totalJiffies: total });
  }
  return () => values.shift()!;
}

function searches(): { search: () => Promise<CapacityResult>; count: () => number } {
  let count = 0;
  return { search: async () => ({ capacityRps: 100 * ++count, method: 'search' }), count: () => count };
}

test('a capacity search with steal over the limit is run again; the first undisturbed one is kept, with its steal', async () => {
  const { search, count } = searches();
  const remeasured: number[] = [];
  const { result, steal } = await searchUntilUndisturbed(search, { maxCpuSteal: 0.05, remeasure: 2, readCpuTimes: readings([0.2, 0.01]), onRemeasured: (share) => remeasured.push(share) });
  assert.equal(count(), 2);
  assert.equal(result.capacityRps, 200, 'the second search is kept');
  assert.ok(Math.abs(steal! - 0.01) < 1e-9);
  assert.equal(remeasured.length, 1);
  assert.ok(Math.abs(remeasured[0]! - 0.2) < 1e-9);
});

test('at most validity.remeasure more searches: the last is kept with its steal, disturbed or not', async () => {
  const { search, count } = searches();
  const { result, steal } = await searchUntilUndisturbed(search, { maxCpuSteal: 0.05, remeasure: 2, readCpuTimes: readings([0.2, 0.3, 0.1, 0]) });
  assert.equal(count(), 3);
  assert.equal(result.capacityRps, 300);
  assert.ok(Math.abs(steal! - 0.1) < 1e-9);
  const once = searches();
  await searchUntilUndisturbed(once.search, { maxCpuSteal: 0.05, remeasure: 0, readCpuTimes: readings([0.5]) });
  assert.equal(once.count(), 1, 'remeasure: 0 searches once');
});

test('without CPU times (no /proc/stat) the search runs once and carries no steal', async () => {
  const { search, count } = searches();
  const outcome = await searchUntilUndisturbed(search, { maxCpuSteal: 0.05, remeasure: 2, readCpuTimes: () => undefined });
  assert.equal(count(), 1);
  assert.equal(outcome.steal, undefined);
});
