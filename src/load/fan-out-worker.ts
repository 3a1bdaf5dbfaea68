/**
 * Entry of a fan-out worker process: opens its own session to the target, waits for the common start time,
 * runs its share of the plan and sends its serialised recorder back.
 */
import { systemClock } from '../core/clock.js';
import { errorMessage, isServelabError } from '../core/errors.js';
import { executeLocal } from './execute.js';
import type { FromWorker, ToWorker } from './fan-out-messages.js';
import { openTargetSession } from './target-session.js';

const send = (message: FromWorker): void => {
  process.send?.(message);
};

process.once('message', (message: ToWorker) => {
  if (message.type !== 'init') return;
  void run(message).catch((error: unknown) => {
    send({ type: 'error', message: errorMessage(error), code: isServelabError(error) ? error.code : null });
    process.disconnect?.();
  });
});

async function run(init: Extract<ToWorker, { type: 'init' }>): Promise<void> {
  const session = await openTargetSession(init.plan, { sampleSeed: init.sampleSeed });
  try {
    const start = new Promise<number>((resolve) => process.once('message', (message: ToWorker) => message.type === 'start' && resolve(message.startEpochMs)));
    send({ type: 'ready' });
    const startEpochMs = await start;
    const startMs = systemClock.nowMs() + (startEpochMs - Date.now());
    const { recorder, usage } = await executeLocal(init.plan, session, systemClock, { share: init.share, startMs });
    send({ type: 'done', recorder: recorder.toJSON(), usage });
  } finally {
    await session.close();
    process.disconnect?.();
  }
}
