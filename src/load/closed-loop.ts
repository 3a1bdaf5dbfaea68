/**
 * Closed loop: N clients, each sending its next request when the previous one answers (after an optional
 * think time). Requests sent before the warm-up ends are not measured; clients stop sending at the end.
 */
import { MAX_SCHEDULED_REQUESTS } from './pattern.js';
import { InFlightTracker, recordFailure } from './in-flight.js';
import type { RunContext } from './run-context.js';

export interface ClosedLoopOptions {
  readonly concurrency: number;
  readonly thinkTimeMs: number;
  readonly measureStartMs: number;
  readonly endMs: number;
}

export async function runClosedLoop(context: RunContext, options: ClosedLoopOptions): Promise<void> {
  const { client, clock, recorder, startMs, requests } = context;
  const tracker = new InFlightTracker(clock, context.timeoutMs);
  tracker.startSweeper();
  const endAtMs = startMs + options.endMs;
  let sentTotal = 0;

  const runClient = async (): Promise<void> => {
    while (sentTotal < MAX_SCHEDULED_REQUESTS) {
      const prepared = requests.next();
      const sentMs = clock.nowMs();
      if (sentMs >= endAtMs) return;
      sentTotal++;
      const measured = sentMs - startMs >= options.measureStartMs;
      if (measured) recorder.recordSent(sentMs - startMs, sentMs - startMs, false);
      else recorder.warmupSent++;
      const request = tracker.add(sentMs);
      try {
        const result = await client.send(prepared, request);
        const doneMs = clock.nowMs();
        if (measured) {
          if (request.timedOut) recorder.recordError('timeout', doneMs - startMs);
          else recorder.recordSuccess(sentMs - startMs, sentMs - startMs, doneMs - startMs, result.serverTiming);
        }
      } catch (error) {
        if (measured) recordFailure(recorder, error, request.timedOut, clock.nowMs() - startMs);
        // A refused connection fails at once: pause so a dead target is not hammered in a tight loop.
        await clock.sleepMs(Math.max(options.thinkTimeMs, 1));
        continue;
      } finally {
        tracker.remove(request);
      }
      if (options.thinkTimeMs > 0) await clock.sleepMs(options.thinkTimeMs);
    }
  };

  try {
    const waitMs = startMs - clock.nowMs();
    if (waitMs > 0) await clock.sleepMs(waitMs);
    await Promise.all(Array.from({ length: options.concurrency }, runClient));
  } finally {
    tracker.stop();
  }
}
