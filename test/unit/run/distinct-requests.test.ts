/** An open-loop trial's request pool covers the whole run, so a response cache never sees the generator cycle. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SAMPLE_POOL_SIZE } from '../../../src/load/request-pool.js';
import { distinctRequestsFor } from '../../../src/run/load-adapter.js';

test('the pool holds more requests than a Poisson run of that rate and length sends (four standard deviations)', () => {
  // 300 req/s for 10 s: 3,000 expected arrivals.
  const pool = distinctRequestsFor(300, 10_000);
  assert.ok(pool >= 3000 + 4 * Math.sqrt(3000), `${pool}`);
  assert.ok(pool < 3300, 'and not much more');
  assert.equal(distinctRequestsFor(10, 1_000), DEFAULT_SAMPLE_POOL_SIZE, 'short runs keep the default pool');
});
