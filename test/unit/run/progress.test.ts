import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { createProgress, silentProgress } from '../../../src/run/progress.js';

test('without a terminal, progress is a line per trial with done/total and an ETA; --quiet prints nothing', () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk) => (text += chunk));
  const progress = createProgress({ stream: stream as unknown as NodeJS.WriteStream });
  progress.start(4, 1);
  progress.trialStarted(1, 'instances:2 | mnist-cnn mnist-digits poisson@light #0');
  progress.trialEnded(2, 'VALID   instances:2 | p99 3.00 ms');
  progress.note('servelab: capacity 120 req/s');
  progress.stop();
  const lines = text.trim().split('\n');
  assert.equal(lines[0], 'servelab: 1/4 trials already done');
  assert.match(lines[1]!, /^\[2\/4, ETA \d+s\] VALID {3}instances:2 \| p99 3\.00 ms$/);
  assert.equal(lines[2], 'servelab: capacity 120 req/s');
  assert.equal(createProgress({ quiet: true, stream: stream as unknown as NodeJS.WriteStream }), silentProgress);
});
