import type { Clock } from '../core/clock.js';
import type { Tensor } from '../core/tensor.js';
import type { LoadClient } from '../targets/load-client.js';
import type { LoadRecorder } from './recorder.js';

/** Endless request tensors in a seeded order (a workload's SampleStream fits). */
export interface SampleSource {
  next(): Tensor[];
}

/** What a load loop needs; times in the recorder are relative to startMs. */
export interface RunContext {
  readonly client: LoadClient;
  readonly model: string;
  readonly samples: SampleSource;
  readonly clock: Clock;
  readonly recorder: LoadRecorder;
  /** Clock time of offset 0. */
  readonly startMs: number;
  readonly timeoutMs: number;
}
