/**
 * The parts of a trial's measurement as the store keeps them (JSON beside its metrics): the load generator's
 * summary, the server's counter deltas, the energy reading, the knobs as applied and the machine that ran it.
 * Their producers (load/, run/, energy/, distributed/) write richer values that fit these shapes; readers get
 * them back parsed once at the store's boundary (store/measurement-json.ts), so rows written by earlier versions
 * read with the fields they had: every field is optional and unknown fields are kept.
 */
import type { Configuration } from './space.js';
import type { VerdictReason } from './verdict-reason.js';

/** One measurement window of a load run. */
export interface LoadWindowRecord {
  readonly startMs: number;
  readonly endMs: number;
  readonly offeredRps: number | null;
  readonly achievedRps: number | null;
  readonly errors: number;
  readonly dropped: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly meanMs: number | null;
}

/** The steady-state judgement of a load run (load/stability.ts). */
export interface StabilityRecord {
  readonly state: string;
  readonly rule?: string;
  readonly reason?: string;
}

/** The load generator's summary of the measured run (load/summary.ts's LoadSummary fits it). */
export interface ClientRecord {
  readonly pattern?: string;
  readonly patternType?: string;
  readonly protocol?: string;
  readonly target?: string;
  readonly model?: string;
  readonly workload?: string | null;
  readonly seed?: number;
  readonly durationMs?: number;
  readonly warmupMs?: number;
  readonly windowMs?: number;
  readonly offeredRps?: number | null;
  readonly achievedRps?: number;
  readonly requests?: number;
  readonly completed?: number;
  readonly errors?: { readonly total?: number; readonly byKind?: Readonly<Record<string, number>>; readonly examples?: Readonly<Record<string, string>> };
  readonly dropped?: number;
  readonly timeouts?: number;
  readonly warmupRequests?: number;
  /** Latency percentiles in ms (p50, p90, p95, p99, p999, max, mean), from the scheduled send. */
  readonly latencyMs?: object | null;
  readonly serviceTimeMs?: object | null;
  readonly percentileSupport?: object;
  readonly server?: object | null;
  readonly windows?: readonly Partial<LoadWindowRecord>[];
  readonly stability?: StabilityRecord;
  readonly generator?: object;
  readonly capacity?: object | null;
  readonly valid?: boolean;
  readonly reasons?: readonly VerdictReason[];
}

/** Server counters (Prometheus names) over the measured run: after minus before. */
export type ServerCounterDeltas = Readonly<Record<string, number>>;

export const ENERGY_SOURCES = ['measurement', 'estimate'] as const;
/** A measurement (hardware counters) or an estimate (a power model over CPU time): never presented as the other. */
export type EnergySource = (typeof ENERGY_SOURCES)[number];

/** An energy reading over the measured run (energy/meter.ts's EnergyReading fits it). */
export interface EnergyRecord {
  /** The meter's name ('rapl', 'nvidia-smi', 'cpu-time-estimate'). */
  readonly meter?: string;
  readonly source?: EnergySource;
  /** What the figure covers, e.g. 'server process'. */
  readonly scope?: string;
  readonly durationMs?: number;
  readonly energyJ?: number;
  readonly powerW?: number;
  readonly idlePowerW?: number;
  readonly idleEnergyJ?: number;
  readonly busyCores?: number;
  readonly domains?: Readonly<Record<string, number>>;
}

/** Latency histograms (encoded HDR or bucket lists) by name. */
export type TrialHistograms = Readonly<Record<string, unknown>>;

/** The machine that ran a trial in a distributed study (distributed/worker-info.ts describes it). */
export interface WorkerMachine {
  /** Its worker name: the host name unless given. */
  readonly host: string;
  readonly cpuModel?: string;
  readonly cores?: number;
  readonly memoryMb?: number;
  readonly pid?: number;
}

/** An OS knob as applied (knobs/apply.ts's AppliedOsKnob fits it). */
export interface AppliedOsKnobRecord {
  readonly knob: string;
  readonly requested: number;
  /** What was actually set, e.g. 'cpus 0,1'. */
  readonly applied: string;
  readonly method: string;
  readonly emulated?: string;
}

/** Facts stored with every measurement of a machine, beside the knobs as applied. */
export interface TrialExtras {
  readonly worker?: WorkerMachine;
}

/** The knobs as applied, next to the configuration requested. */
export interface AppliedRecord extends TrialExtras {
  readonly configuration?: Configuration;
  readonly os?: readonly AppliedOsKnobRecord[];
  /** The server's configuration file as written (server/config.ts). */
  readonly server?: unknown;
  readonly protocol?: string;
  readonly rateRps?: number;
  readonly durationMs?: number;
  /** Why the measured duration was longer than the study's (run/trial-duration.ts). */
  readonly durationExtended?: string;
  readonly serverStartupMs?: number;
  /** Where the embedded server put its I/O and instance threads (server/engine/thread-placement.ts), one line. */
  readonly threadPlacement?: string;
  /** A co-located trial: the group its model was served with, and the group's models (run/measure-mix.ts). */
  readonly coServed?: string;
  readonly coServedModels?: readonly string[];
}

/** An environment record's details: free-form facts, with the worker typed. */
export interface EnvironmentDetails {
  readonly worker?: WorkerMachine;
  readonly [key: string]: unknown;
}
