import type { Datatype, TensorData } from '../../core/tensor.js';
import type { OrtOptions } from '../config.js';

/** Messages between the server and its session workers (one ONNX Runtime session per worker thread). */

export interface SessionWorkerData {
  readonly modelPath: string;
  readonly ort: OrtOptions;
  /** Pin the instance thread (and the ORT threads its session starts) to these CPUs before loading. */
  readonly cpus?: readonly number[];
}

/** A tensor as ORT reports it: dims are numbers, or symbolic names ('' when unnamed) for dynamic axes. */
export interface OrtTensorMetadata {
  readonly name: string;
  readonly ortType: string;
  readonly dims: readonly (number | string)[];
}

export interface WireTensor {
  readonly name: string;
  readonly datatype: Datatype;
  readonly shape: readonly number[];
  readonly data: TensorData;
}

export type WorkerRequest = {
  readonly type: 'run';
  readonly id: number;
  readonly feeds: readonly WireTensor[];
  /** performance.timeOrigin + performance.now() when posted: comparable across threads. */
  readonly sentAtEpochMs: number;
};

export type WorkerReply =
  | {
      readonly type: 'ready';
      readonly inputs: readonly OrtTensorMetadata[];
      readonly outputs: readonly OrtTensorMetadata[];
      readonly loadMs: number;
      /** The thread was pinned to the CPUs asked for (false when none were asked for or pinning failed). */
      readonly pinned: boolean;
    }
  | { readonly type: 'load-failed'; readonly message: string }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly outputs: readonly WireTensor[];
      readonly computeUs: number;
      /** From posting the request to the start of session.run: transfer plus any wait behind a previous batch. */
      readonly waitUs: number;
      /** performance.timeOrigin + performance.now() when the reply was posted, for the hand-back time. */
      readonly postedAtEpochMs: number;
    }
  | { readonly type: 'run-failed'; readonly id: number; readonly message: string };
