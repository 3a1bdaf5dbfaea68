/** drain() waits for requests in flight, bounded by their deadlines, and leaves no deadline pending behind it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VirtualClock } from '../../../src/core/clock.js';
import { InFlightTracker } from '../../../src/load/in-flight.js';

test('a drain that ends because the last request answered leaves no deadline sleeping (it would hold the process open)', async () => {
  const clock = new VirtualClock();
  const tracker = new InFlightTracker(clock, 10_000);
  const request = tracker.add(clock.nowMs());
  const drained = tracker.drain();
  assert.equal(clock.pendingSleepers, 1, 'the deadline waits while the request is in flight');
  await clock.advanceMs(5);
  tracker.remove(request);
  await drained;
  assert.equal(clock.pendingSleepers, 0);
  assert.equal(request.timedOut, false);
});

test('a drain that reaches the deadline cancels the stragglers as timed out', async () => {
  const clock = new VirtualClock();
  const tracker = new InFlightTracker(clock, 1_000);
  const request = tracker.add(clock.nowMs());
  let cancelled = false;
  request.onCancel = () => {
    cancelled = true;
    tracker.remove(request);
  };
  const drained = tracker.drain();
  await clock.advanceMs(1_001);
  await drained;
  assert.equal(request.timedOut, true);
  assert.equal(cancelled, true);
  assert.equal(clock.pendingSleepers, 0);
});

test('a sleep aborted before its time resolves at once and leaves the virtual clock without it', async () => {
  const clock = new VirtualClock();
  const abort = new AbortController();
  const sleeping = clock.sleepMs(500, abort.signal);
  assert.equal(clock.pendingSleepers, 1);
  abort.abort();
  await sleeping;
  assert.equal(clock.pendingSleepers, 0);
  await clock.sleepMs(500, abort.signal); // already aborted: no wait
});
