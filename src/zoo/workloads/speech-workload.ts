import { ServelabError } from '../../core/errors.js';
import type { Tensor, TensorSpec } from '../../core/tensor.js';
import { asteriskSoundsDir, asteriskSpeechAvailability, loadAsteriskSpeech } from '../datasets/asterisk-speech.js';
import type { SamplePlan } from './sample-plan.js';
import { checkBatchAxis, fixedAxis } from './spec-format.js';
import { findSpeechInputs, type SpeechInputs } from './speech-input.js';
import type { FitResult, SampleStreamOptions } from './types.js';
import { defineWorkload } from './workload-base.js';

/** Silero VAD window sizes: new samples per call and samples of context carried over from the previous window. */
const WINDOWS = {
  8000: { newSamples: 256, context: 32 },
  16000: { newSamples: 512, context: 64 },
} as const;
type SampleRateHz = keyof typeof WINDOWS;

/**
 * speech-commands: the real recorded voice prompts of Debian's asterisk-core-sounds-en-wav, cut into VAD
 * windows. Each request is one window per batch row: the context samples that precede it in the recording
 * (zeros at the start), its new samples, zero recurrent state and the sample rate. 8 kHz is the recordings'
 * own rate; a fixed 576-sample input (or no sample-rate input, as in 16 kHz-only variants) gets 16 kHz
 * audio, upsampled linearly.
 */
export const speechCommandsWorkload = defineWorkload<Float32Array>({
  info: {
    name: 'speech-commands',
    dataset: 'asterisk-speech',
    modality: 'audio',
    description: 'Recorded English voice prompts (asterisk-core-sounds-en-wav, 8 kHz) in voice-activity-detection windows',
    defaultModel: 'silero-vad',
  },
  availability: () => asteriskSpeechAvailability(),
  datasetLocation: asteriskSoundsDir,
  fits: (inputs): FitResult => {
    const found = findSpeechInputs(inputs);
    if (!found.ok) return found;
    const width = fixedAxis(found.speech.audio, 1);
    const widths = Object.values(WINDOWS).map((w) => w.newSamples + w.context);
    if (width !== undefined && !widths.includes(width)) {
      return { ok: false, reason: `a VAD window is ${widths.join(' or ')} samples (8 or 16 kHz), but '${found.speech.audio.name}' takes ${width}` };
    }
    return { ok: true };
  },
  plan: speechPlan,
});

function chooseSampleRate(speech: SpeechInputs): SampleRateHz {
  const width = fixedAxis(speech.audio, 1);
  if (width === WINDOWS[16000].newSamples + WINDOWS[16000].context) return 16000;
  if (width === undefined && !speech.sampleRate) return 16000;
  return 8000;
}

function speechPlan(inputs: readonly TensorSpec[], options: Partial<SampleStreamOptions>): SamplePlan<Float32Array> {
  const found = findSpeechInputs(inputs);
  if (!found.ok) throw new ServelabError(found.reason);
  const speech = found.speech;
  const batchSize = options.batchSize ?? 1;
  checkBatchAxis(speech.audio, batchSize);
  for (const state of speech.states) checkBatchAxis(state, batchSize, 1);
  const sampleRateHz = chooseSampleRate(speech);
  const { newSamples, context } = WINDOWS[sampleRateHz];
  const dataset = loadAsteriskSpeech();
  const clips = dataset.clips.map((clip) => (sampleRateHz === dataset.sampleRateHz ? clip.samples : upsample(clip.samples, sampleRateHz / dataset.sampleRateHz)));
  const windows: { clip: number; start: number }[] = [];
  clips.forEach((samples, clip) => {
    for (let start = 0; start + newSamples <= samples.length; start += newSamples) windows.push({ clip, start });
  });
  const width = context + newSamples;
  const stateBytes = speech.states.reduce((n, spec) => n + 2 * fixedAxis(spec, 2)! * 4, 0);
  const rateBytes = speech.sampleRate ? (speech.sampleRate.datatype === 'INT64' ? 8 : 4) : 0;
  return {
    key: `speech-commands|${JSON.stringify(inputs)}`,
    sampleCount: windows.length,
    preprocessing: { sampleRateHz, contextSamples: context, newSamples, state: 'zeros' },
    prepare(index) {
      const { clip, start } = windows[index]!;
      const samples = clips[clip]!;
      const window = new Float32Array(width);
      const from = Math.max(0, start - context);
      window.set(samples.subarray(from, start + newSamples), width - (start + newSamples - from));
      return window;
    },
    preparedBytes: (window) => window.byteLength,
    batch: (rows) => speechBatch(rows, speech, width, sampleRateHz),
    payloadBytes: () => width * 4 + stateBytes + rateBytes,
  };
}

function speechBatch(rows: readonly Float32Array[], speech: SpeechInputs, width: number, sampleRateHz: number): Tensor[] {
  const batch = rows.length;
  let audio = rows[0]!;
  if (batch > 1) {
    audio = new Float32Array(batch * width);
    rows.forEach((row, b) => audio.set(row, b * width));
  }
  const tensors: Tensor[] = [{ name: speech.audio.name, datatype: 'FP32', shape: [batch, width], data: audio }];
  for (const state of speech.states) {
    const units = fixedAxis(state, 2)!;
    tensors.push({ name: state.name, datatype: 'FP32', shape: [2, batch, units], data: new Float32Array(2 * batch * units) });
  }
  const rate = speech.sampleRate;
  if (rate) {
    const data = rate.datatype === 'INT64' ? BigInt64Array.of(BigInt(sampleRateHz)) : Int32Array.of(sampleRateHz);
    tensors.push({ name: rate.name, datatype: rate.datatype, shape: rate.shape.length === 0 ? [] : [1], data });
  }
  return tensors;
}

/** Linear interpolation to an integer multiple of the rate (8 -> 16 kHz). */
function upsample(samples: Float32Array, factor: number): Float32Array {
  const out = new Float32Array(samples.length * factor);
  for (let i = 0; i < out.length; i++) {
    const position = i / factor;
    const left = Math.floor(position);
    const right = Math.min(samples.length - 1, left + 1);
    out[i] = samples[left]! + (samples[right]! - samples[left]!) * (position - left);
  }
  return out;
}
