/** Messages between the dashboard's HTTP thread and its snapshot worker (structured clone; JSON bodies pre-serialised). */
import type { AnalysisPartName } from './live-analysis.js';
import type { StudyInfo } from './types.js';

/** What a snapshot worker does: send the table and the progress, or recompute one part of the analysis. */
export type SnapshotRole = 'table' | AnalysisPartName;

export interface SnapshotWorkerData {
  readonly role: SnapshotRole;
  readonly location: string;
  readonly studyId: string;
  readonly seed: number;
  readonly info: StudyInfo;
  readonly pollIntervalMs: number;
}

export type FromSnapshotWorker =
  | {
      readonly type: 'trials';
      /** The table's version before and after this change (equal when only the progress changed). */
      readonly from: number;
      readonly to: number;
      readonly changedIds: readonly string[];
      /** Each changed row as JSON, in the order of changedIds. */
      readonly changedJson: readonly string[];
      readonly removed: readonly string[];
      /** Every trial id in plan order, sent when trials were added or removed. */
      readonly order: readonly string[] | null;
      readonly progressJson: string;
      readonly readMs: number;
    }
  /** An AnalysisPart as JSON. */
  | { readonly type: 'analysis'; readonly part: AnalysisPartName; readonly json: string; readonly durationMs: number }
  /** The store could not be read (message), or can be again (null). */
  | { readonly type: 'store-error'; readonly message: string | null };
