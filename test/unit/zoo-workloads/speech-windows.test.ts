import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asteriskSpeechAvailability } from '../../../src/zoo/datasets/asterisk-speech.js';
import { ZOO_MODEL_INPUTS } from '../../../src/zoo/workloads/model-conventions.js';
import { getWorkload } from '../../../src/zoo/workloads/registry.js';

/** An 8 kHz PCM16 mono file whose sample i holds `value(i)`, so every window can be traced to its position. */
function rampWav(samples: number, value: (i: number) => number): Buffer {
  const data = Buffer.alloc(2 * samples);
  for (let i = 0; i < samples; i++) data.writeInt16LE(value(i), 2 * i);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

test('speech windows carry the 32 preceding samples of the same recording as context, zeros at its start', (t) => {
  // Streams over the installed recordings first (if any), so the fixture below must not reuse their cached windows.
  if (asteriskSpeechAvailability().available) {
    getWorkload('speech-commands').createSampleStream(ZOO_MODEL_INPUTS['silero-vad']!, { seed: 1 }).next();
  }
  const dir = mkdtempSync(join(tmpdir(), 'servelab-speech-'));
  const previous = process.env.SERVELAB_ASTERISK_SOUNDS_DIR;
  process.env.SERVELAB_ASTERISK_SOUNDS_DIR = dir;
  t.after(() => {
    if (previous === undefined) delete process.env.SERVELAB_ASTERISK_SOUNDS_DIR;
    else process.env.SERVELAB_ASTERISK_SOUNDS_DIR = previous;
    rmSync(dir, { recursive: true, force: true });
  });
  mkdirSync(join(dir, 'digits'));
  // Clip A: 3 full windows + a 100-sample tail (dropped); clip B: 2 windows. Values encode clip and position.
  writeFileSync(join(dir, 'a.wav'), rampWav(3 * 256 + 100, (i) => i + 1));
  writeFileSync(join(dir, 'digits', 'b.wav'), rampWav(2 * 256, (i) => -(i + 1)));

  const workload = getWorkload('speech-commands');
  assert.equal(workload.describe().samples, 5);
  const stream = workload.createSampleStream(ZOO_MODEL_INPUTS['silero-vad']!, { seed: 1 });
  const seen = new Set<string>();
  for (let request = 0; request < 5; request++) {
    const [audio] = stream.next();
    const values = Array.from(audio!.data as Float32Array, (v) => Math.round(v * 32768));
    assert.equal(values.length, 288);
    const sign = Math.sign(values[287]!);
    const lastPosition = Math.abs(values[287]!); // 1-based position of the window's last sample in its clip
    const start = lastPosition - 256; // 0-based start of the new samples
    assert.equal(start % 256, 0, `windows start on 256-sample boundaries (${start})`);
    values.forEach((value, k) => {
      const position = start - 32 + k; // 0-based clip position this slot holds
      assert.equal(value, position < 0 ? 0 : sign * (position + 1), `slot ${k} of the window at ${start}`);
    });
    seen.add(`${sign}:${start}`);
  }
  assert.equal(seen.size, 5, 'every window once per epoch');
});
