import type { ServelabErrorCode } from '../core/errors.js';
import type { MixedLoadSummary } from '../load/mixed-load.js';
import type { LoadSummary } from '../load/summary.js';
import type { CapacityRequest, CapacityResult, LoadRunRequest, MixedRunRequest } from './load-driver.js';

/** Requests travel without their AbortSignal (an aborted call ends the generator process instead) and callbacks ('started' comes back as a message). */
export type ToGenerator =
  | { readonly id: number; readonly type: 'run'; readonly request: Omit<LoadRunRequest, 'signal' | 'onStart'> }
  | { readonly id: number; readonly type: 'capacity'; readonly request: Omit<CapacityRequest, 'signal'> }
  | { readonly id: number; readonly type: 'mixed-run'; readonly request: Omit<MixedRunRequest, 'signal' | 'onStart'> };

export type FromGenerator =
  | { readonly id: number; readonly type: 'started' }
  | { readonly id: number; readonly type: 'run-done'; readonly summary: LoadSummary }
  | { readonly id: number; readonly type: 'capacity-done'; readonly result: CapacityResult }
  | { readonly id: number; readonly type: 'mixed-run-done'; readonly summary: MixedLoadSummary }
  | { readonly id: number; readonly type: 'error'; readonly message: string; readonly code: ServelabErrorCode | null };
