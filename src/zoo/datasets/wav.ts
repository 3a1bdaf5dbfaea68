import { corruptDatasetFile, readDatasetBytes } from './dataset-file.js';
import type { AudioClip } from './types.js';

const EXPECTED = 'a RIFF/WAVE file with PCM 16-bit mono audio (fmt chunk format 1, 1 channel, 16 bits, then a data chunk)';

/** Reads a PCM16 mono WAV file into -1..1 floats; anything else is reported as a corrupt dataset file. */
export function readPcm16MonoWav(path: string): AudioClip {
  const bytes = readDatasetBytes(path, EXPECTED);
  if (bytes.length < 12 || bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') {
    throw corruptDatasetFile(path, EXPECTED, 'missing the RIFF/WAVE header');
  }
  let format: { sampleRateHz: number } | undefined;
  for (let offset = 12; offset + 8 <= bytes.length; ) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') format = readFormat(path, bytes, body, size);
    if (id === 'data') {
      if (!format) throw corruptDatasetFile(path, EXPECTED, 'a data chunk before any fmt chunk');
      // Some writers put a too-large size on the last chunk; read what is there, whole samples only.
      const end = Math.min(bytes.length, body + size);
      const count = Math.floor((end - body) / 2);
      const samples = new Float32Array(count);
      for (let i = 0; i < count; i++) samples[i] = bytes.readInt16LE(body + 2 * i) / 32768;
      return { path, sampleRateHz: format.sampleRateHz, samples };
    }
    offset = body + size + (size % 2); // chunks are word-aligned
  }
  throw corruptDatasetFile(path, EXPECTED, 'without a data chunk');
}

function readFormat(path: string, bytes: Buffer, body: number, size: number): { sampleRateHz: number } {
  if (size < 16 || body + 16 > bytes.length) throw corruptDatasetFile(path, EXPECTED, `a ${size}-byte fmt chunk`);
  const audioFormat = bytes.readUInt16LE(body);
  const channels = bytes.readUInt16LE(body + 2);
  const sampleRateHz = bytes.readUInt32LE(body + 4);
  const bitsPerSample = bytes.readUInt16LE(body + 14);
  if (audioFormat !== 1 || channels !== 1 || bitsPerSample !== 16 || sampleRateHz <= 0) {
    throw corruptDatasetFile(path, EXPECTED, `format ${audioFormat}, ${channels} channel(s), ${bitsPerSample} bits, ${sampleRateHz} Hz`);
  }
  return { sampleRateHz };
}
