/**
 * What the runner needs from the load generator: one measured run at a resolved load point, and the capacity
 * search behind stress levels. The default driver (load-adapter.ts) calls the load library; tests and other
 * targets may pass their own.
 */
import type { Protocol } from '../core/target.js';
import type { LoadPoint } from '../plan/load-schema.js';
import type { MixedLoadSummary } from '../load/mixed-load.js';
import type { LoadSummary } from '../load/summary.js';

export interface LoadTarget {
  /** The server's HTTP base URL, e.g. http://127.0.0.1:43121. */
  readonly http: string;
  /** host:port of its gRPC endpoint, or null. */
  readonly grpc: string | null;
}

export interface LoadRunRequest {
  readonly target: LoadTarget;
  readonly protocol: Protocol;
  readonly model: string;
  readonly workload: string;
  readonly point: LoadPoint;
  /** The arrival rate for an open-loop point (stress levels already resolved against the capacity). */
  readonly rateRps?: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly seed: number;
  /** Aborts the run (trial time limit, server gone). */
  readonly signal?: AbortSignal;
  /** The server process, when servelab started it (for drivers that watch it). */
  readonly serverPid?: number;
  /** Called just before the first scheduled request, after the client and its requests are prepared. */
  readonly onStart?: () => void;
}

/** One co-served model of a mixed run: its own workload, load point and resolved rate. */
export interface MixedRunMember {
  readonly model: string;
  readonly workload: string;
  readonly point: LoadPoint;
  readonly rateRps?: number;
}

/** Several models' streams sent together at one server (src/load/mixed-load.ts); each member gets its own seed. */
export interface MixedRunRequest extends Omit<LoadRunRequest, 'model' | 'workload' | 'point' | 'rateRps'> {
  readonly members: readonly MixedRunMember[];
}

export interface CapacityRequest {
  readonly target: LoadTarget;
  readonly protocol: Protocol;
  readonly model: string;
  readonly workload: string;
  readonly seed: number;
  readonly maxP99Ms?: number;
  readonly maxErrorRate?: number;
  readonly startRps?: number;
  readonly stepDurationMs: number;
  readonly signal?: AbortSignal;
}

export interface CapacityResult {
  readonly capacityRps: number;
  readonly method: string;
  readonly details?: unknown;
}

export interface LoadDriver {
  run(request: LoadRunRequest): Promise<LoadSummary>;
  capacity(request: CapacityRequest): Promise<CapacityResult>;
  /** The members' streams in one run from one start (absent: mixed-run.ts runs them side by side with run). */
  runMixed?(request: MixedRunRequest): Promise<MixedLoadSummary>;
  /** Ends what the driver holds open (a generator process). */
  close?(): Promise<void>;
}

/** Where the client connects for a protocol. */
export function targetAddress(target: LoadTarget, protocol: Protocol): string {
  if (protocol === 'kserve-grpc') {
    if (!target.grpc) throw new Error('the server has no gRPC endpoint');
    return target.grpc;
  }
  return target.http;
}
