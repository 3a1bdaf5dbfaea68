/** Messages between the dashboard's HTTP thread and its snapshot worker (structured clone; JSON bodies pre-serialised). */
import type { StudyInfo } from './types.js';

export interface SnapshotWorkerData {
  readonly location: string;
  readonly studyId: string;
  readonly seed: number;
  readonly info: StudyInfo;
  readonly pollIntervalMs: number;
}

export type FromSnapshotWorker =
  | {
      readonly type: 'trials';
      readonly version: number;
      /** TrialsDelta as JSON, for the event stream. */
      readonly deltaJson: string;
      /** The whole table, `{"version":N,"rows":[...]}`, for a page that loads it. */
      readonly fullJson: string;
      readonly progressJson: string;
      readonly readMs: number;
    }
  | { readonly type: 'analysis'; readonly version: number; readonly json: string; readonly durationMs: number }
  /** The store could not be read (message), or can be again (null). */
  | { readonly type: 'store-error'; readonly message: string | null };
