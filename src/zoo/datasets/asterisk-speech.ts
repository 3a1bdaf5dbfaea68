import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ServelabError } from '../../core/errors.js';
import { cachedDataset, corruptDatasetFile } from './dataset-file.js';
import type { AudioDataset, DatasetAvailability } from './types.js';
import { readPcm16MonoWav } from './wav.js';

/** Where Debian's `asterisk-core-sounds-en-wav` installs Allison Smith's recorded prompts (8 kHz PCM16). */
export const DEBIAN_ASTERISK_SOUNDS_DIR = '/usr/share/asterisk/sounds/en_US_f_Allison';
export const ASTERISK_SAMPLE_RATE_HZ = 8000;

export function asteriskSoundsDir(): string {
  return process.env.SERVELAB_ASTERISK_SOUNDS_DIR ?? DEBIAN_ASTERISK_SOUNDS_DIR;
}

export function asteriskSpeechAvailability(dir = asteriskSoundsDir()): DatasetAvailability {
  if (existsSync(dir) && listWavFiles(dir).length > 0) return { available: true };
  return {
    available: false,
    reason: `speech recordings not found: expected *.wav files under ${dir} from the Debian package asterisk-core-sounds-en-wav (apt-get install asterisk-core-sounds-en-wav)`,
  };
}

/**
 * The real speech prompts of Debian's asterisk-core-sounds-en-wav (568 recordings, about 25 minutes, one
 * female voice), in sorted path order. Every file must be 8 kHz PCM16 mono.
 */
export function loadAsteriskSpeech(dir = asteriskSoundsDir()): AudioDataset {
  return cachedDataset(`asterisk-speech:${dir}`, () => {
    const availability = asteriskSpeechAvailability(dir);
    if (!availability.available) throw new ServelabError(availability.reason, 'unavailable');
    const clips = listWavFiles(dir).map((path) => {
      const clip = readPcm16MonoWav(path);
      if (clip.sampleRateHz !== ASTERISK_SAMPLE_RATE_HZ) {
        throw corruptDatasetFile(path, `${ASTERISK_SAMPLE_RATE_HZ} Hz audio`, `${clip.sampleRateHz} Hz (${relative(dir, path)})`);
      }
      return clip;
    });
    return { name: 'asterisk-speech', sampleRateHz: ASTERISK_SAMPLE_RATE_HZ, clips };
  });
}

function listWavFiles(dir: string): string[] {
  const found: string[] = [];
  const visit = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.toLowerCase().endsWith('.wav')) found.push(path);
    }
  };
  try {
    visit(dir);
  } catch {
    return [];
  }
  return found.sort();
}
