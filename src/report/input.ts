/**
 * Everything the report is built from: the study as designed, the machine it ran on, the cards of its models
 * and workloads, the load levels, the measured trial rows and the analysis of them. source.ts assembles it from a
 * study database or an analysis export; tests build it from fixtures.
 */
import type { AnalysisResult } from '../analysis/types.js';
import type { ModelCard, Modality } from '../core/model-card.js';
import type { DesignSpace } from '../core/space.js';
import type { TrialRow } from '../core/trial.js';

export interface ReportInput {
  readonly study: StudySummary;
  readonly machine: MachineSummary;
  readonly models: readonly ModelCard[];
  readonly workloads: readonly WorkloadSummary[];
  readonly loads: readonly LoadSummary[];
  readonly capacities: readonly CapacityMeasurement[];
  readonly rows: readonly TrialRow[];
  readonly analysis: AnalysisResult;
  readonly reproduce: ReproduceInfo;
  /** Distributed studies: the worker machines and how many trials each ran (absent on one machine). */
  readonly workers?: readonly WorkerMachine[];
  /** Where the embedded server put its I/O and instance threads, each distinct layout with its trial count. */
  readonly threadPlacements?: readonly ThreadPlacementCount[];
  /** Measurements set aside because the machine disturbed them (steal, late sends, drift), each measured again. */
  readonly remeasured?: number;
}

export interface ThreadPlacementCount {
  /** The server's one-line description of the layout. */
  readonly placement: string;
  readonly trials: number;
}

export interface WorkerMachine {
  readonly name: string;
  readonly cpuModel?: string;
  readonly cores?: number;
  readonly memoryMb?: number;
  readonly completed: number;
  readonly failed: number;
}

export interface StudySummary {
  readonly name: string;
  /** The question the study answers: "what was studied and why". */
  readonly question: string;
  readonly description?: string;
  readonly space: DesignSpace;
  readonly sampler: { readonly name: string; readonly budget?: number; readonly details?: string };
  readonly repetitions: number;
  readonly seed: number;
  /** Target under test, e.g. 'embedded ONNX Runtime server'. */
  readonly target: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

export interface MachineSummary {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryMb: number;
  readonly os: string;
  readonly nodeVersion: string;
  readonly onnxruntimeVersion?: string;
  readonly servelabVersion?: string;
  /** Whether the machine is a virtual machine, when known. */
  readonly virtualized?: boolean;
  readonly energyMeter: EnergyMeterSummary;
  /** Knobs that were emulated or limited on this machine, each with what stood in for it. */
  readonly knobNotes: readonly KnobNote[];
  /** Which CPUs the load generator and the server had, e.g. 'load generator on CPU 1, server on CPU 0'. */
  readonly cpuLayout?: string;
  /** Anything else worth stating (hostname, governor, kernel). */
  readonly extra?: Readonly<Record<string, string>>;
}

export interface EnergyMeterSummary {
  readonly name: string;
  /** True when energy comes from a model (CPU time × power) rather than a hardware counter. */
  readonly estimated: boolean;
  readonly description: string;
  /** The power model's parameters, when estimated, e.g. { idleW: 10, perBusyCoreW: 12 }. */
  readonly powerModel?: Readonly<Record<string, number | string>>;
  readonly idlePowerW?: number;
}

export interface KnobNote {
  readonly knob: string;
  readonly note: string;
  readonly emulated: boolean;
}

export interface WorkloadSummary {
  readonly name: string;
  readonly modality: Modality;
  readonly dataset: string;
  readonly description: string;
  readonly source: string;
  readonly licence: string;
  readonly samples?: number;
  /** Models this workload feeds. */
  readonly models?: readonly string[];
}

export interface LoadSummary {
  /** The label used in trial contexts, e.g. 'light'. */
  readonly name: string;
  /** e.g. 'poisson', 'constant', 'closed-loop'. */
  readonly pattern: string;
  readonly description: string;
  /** Offered rate as a fraction of measured capacity, for capacity-relative levels. */
  readonly fractionOfCapacity?: number;
  readonly durationMs?: number;
}

/** Saturation throughput measured for one model and workload before the sweep. */
export interface CapacityMeasurement {
  readonly model: string;
  readonly workload: string;
  readonly capacityRps: number;
  readonly method: string;
  /** Offered rate per load level, as applied. */
  readonly offeredRps?: Readonly<Record<string, number>>;
  /** What the capacity search stored (its steps and latency bound); read by figures/capacity-figure.ts. */
  readonly details?: unknown;
}

export interface ReproduceInfo {
  readonly studyFile?: string;
  readonly studyYaml?: string;
  readonly commands: readonly string[];
  readonly seed: number;
}
