import type { ServelabErrorCode } from '../core/errors.js';
import type { ResolvedPlan, Share } from './execute.js';
import type { SerializedRecorder } from './recorder.js';
import type { GeneratorUsage } from './self-check.js';

/** Messages between the fan-out parent and its worker processes. */
export type ToWorker =
  | { readonly type: 'init'; readonly plan: ResolvedPlan; readonly share: Share; readonly sampleSeed: number }
  | { readonly type: 'start'; readonly startEpochMs: number };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly recorder: SerializedRecorder; readonly usage: GeneratorUsage }
  | { readonly type: 'error'; readonly message: string; readonly code: ServelabErrorCode | null };
