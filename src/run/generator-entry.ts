/**
 * Entry of the pinned load-generator process: runs the default load driver for each request the runner
 * sends, one event loop on CPUs of its own, and answers with the summary (or the error).
 */
import { errorMessage, isServelabError } from '../core/errors.js';
import type { FromGenerator, ToGenerator } from './generator-messages.js';
import { loadGeneratorDriver } from './load-adapter.js';

const send = (message: FromGenerator): void => {
  process.send?.(message);
};

process.on('message', (message: ToGenerator) => {
  const started = (): void => send({ id: message.id, type: 'started' });
  const work =
    message.type === 'run'
      ? loadGeneratorDriver.run({ ...message.request, onStart: started }).then((summary) => send({ id: message.id, type: 'run-done', summary }))
      : message.type === 'mixed-run'
        ? loadGeneratorDriver.runMixed!({ ...message.request, onStart: started }).then((summary) => send({ id: message.id, type: 'mixed-run-done', summary }))
        : loadGeneratorDriver.capacity(message.request).then((result) => send({ id: message.id, type: 'capacity-done', result }));
  work.catch((error: unknown) => send({ id: message.id, type: 'error', message: errorMessage(error), code: isServelabError(error) ? error.code : null }));
});
// Ends with its parent: the IPC channel closing means the runner is gone.
process.on('disconnect', () => process.exit(0));
