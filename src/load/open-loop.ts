/**
 * Open loop: requests leave at their scheduled times whether or not earlier ones have answered. Latency is
 * timed from the scheduled send (so a stalled target is charged for every request queued behind the stall),
 * the service time from the actual send. At the in-flight cap a request is dropped and counted, never delayed.
 */
import { sleepUntil } from '../core/clock.js';
import type { PreparedRequest } from '../targets/load-client.js';
import { InFlightTracker, recordFailure } from './in-flight.js';
import type { RunContext } from './run-context.js';
import type { Schedule } from './schedule.js';

/** After this many sends without a pause (the generator is behind), let I/O callbacks run. */
const BURST_BEFORE_YIELD = 32;

export interface OpenLoopOptions {
  readonly inFlightCap: number;
}

export async function runOpenLoop(schedule: Schedule, context: RunContext, options: OpenLoopOptions): Promise<void> {
  const { client, clock, recorder, startMs, requests } = context;
  const tracker = new InFlightTracker(clock, context.timeoutMs);
  tracker.startSweeper();
  const { offsetsMs, warmupCount } = schedule;
  let burst = 0;
  try {
    for (let index = 0; index < offsetsMs.length; index++) {
      const scheduledMs = startMs + offsetsMs[index]!;
      let nowMs = clock.nowMs();
      if (nowMs < scheduledMs) {
        burst = 0;
        await sleepUntil(clock, scheduledMs);
        nowMs = clock.nowMs();
      } else if (++burst >= BURST_BEFORE_YIELD) {
        burst = 0;
        await new Promise((resolve) => setImmediate(resolve));
        nowMs = clock.nowMs();
      }
      const measured = index >= warmupCount;
      if (tracker.size >= options.inFlightCap) {
        if (measured) recorder.recordDropped(scheduledMs - startMs);
        continue;
      }
      if (measured) recorder.recordSent(scheduledMs - startMs, nowMs - startMs);
      else recorder.warmupSent++;
      dispatch(requests.next(), scheduledMs, nowMs, measured);
    }
    await tracker.drain();
  } finally {
    tracker.stop();
  }

  function dispatch(prepared: PreparedRequest, scheduledMs: number, sentMs: number, measured: boolean): void {
    const request = tracker.add(sentMs);
    client.send(prepared, request).then(
      (result) => {
        tracker.remove(request);
        if (!measured) return;
        const doneMs = clock.nowMs();
        if (request.timedOut) recorder.recordError('timeout', doneMs - startMs);
        else recorder.recordSuccess(scheduledMs - startMs, sentMs - startMs, doneMs - startMs, result.serverTiming);
      },
      (error: unknown) => {
        tracker.remove(request);
        if (measured) recordFailure(recorder, error, request.timedOut, clock.nowMs() - startMs);
      },
    );
  }
}
