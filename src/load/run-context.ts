import type { Clock } from '../core/clock.js';
import type { LoadClient } from '../targets/load-client.js';
import type { LoadRecorder } from './recorder.js';
import type { RequestPool } from './request-pool.js';

export type { SampleSource } from './request-pool.js';

/** What a load loop needs; times in the recorder are relative to startMs. */
export interface RunContext {
  readonly client: LoadClient;
  /** Requests encoded before the run: the loops only pick the next one. */
  readonly requests: RequestPool;
  readonly clock: Clock;
  readonly recorder: LoadRecorder;
  /** Clock time of offset 0. */
  readonly startMs: number;
  readonly timeoutMs: number;
}
