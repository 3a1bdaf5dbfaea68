/**
 * Every knob a study may sweep, by dotted name, with the type of its levels and who applies it: the embedded
 * server reads the server knobs, the OS knob appliers read `os.*`, the load client reads `protocol`. External
 * targets receive knob values only through their launch command, where free-form `custom.*` knobs are also
 * allowed. Everything that names knobs (study validation, the server's knob application, the reference docs)
 * derives from this table.
 */
import { PROTOCOLS } from './target.js';

export type KnobType =
  | { readonly kind: 'integer'; readonly min: number; readonly max?: number }
  | { readonly kind: 'number'; readonly exclusiveMin: number; readonly max?: number }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  /** A list of positive integers, carried as one canonical comma-separated string level ('' = none). */
  | { readonly kind: 'integer-list' }
  /** custom.* knobs of a launched external target: any number, string or boolean. */
  | { readonly kind: 'any' };

export interface KnobInfo {
  readonly type: KnobType;
  readonly scope: 'server' | 'os' | 'client' | 'custom';
  readonly description: string;
  /** Emulated knobs stand in for a real one and must be labelled so in every result. */
  readonly emulated?: string;
}

const positiveInt = { kind: 'integer', min: 1 } as const;
const nonNegativeInt = { kind: 'integer', min: 0 } as const;
const bool = { kind: 'boolean' } as const;

export const KNOB_CATALOG = {
  instances: { type: positiveInt, scope: 'server', description: 'model instances (inference workers) per model' },
  'ort.intraOpThreads': { type: nonNegativeInt, scope: 'server', description: 'ORT intra-op threads (0 = ORT default)' },
  'ort.interOpThreads': { type: nonNegativeInt, scope: 'server', description: 'ORT inter-op threads (0 = ORT default)' },
  'ort.executionMode': { type: { kind: 'enum', values: ['sequential', 'parallel'] }, scope: 'server', description: 'ORT execution mode' },
  'ort.graphOptimizationLevel': {
    type: { kind: 'enum', values: ['disabled', 'basic', 'extended', 'all'] },
    scope: 'server',
    description: 'ORT graph optimization level',
  },
  'ort.enableCpuMemArena': { type: bool, scope: 'server', description: 'ORT CPU memory arena' },
  'ort.enableMemPattern': { type: bool, scope: 'server', description: 'ORT memory pattern' },
  'ort.allowSpinning': { type: bool, scope: 'server', description: 'ORT worker threads spin while waiting for work (lower latency, busy cores)' },
  'batching.enabled': { type: bool, scope: 'server', description: 'dynamic batching on/off' },
  'batching.maxBatchSize': { type: positiveInt, scope: 'server', description: 'largest batch the batcher forms' },
  'batching.maxQueueDelayUs': { type: nonNegativeInt, scope: 'server', description: 'longest wait for a batch to fill, µs' },
  'batching.preferredBatchSizes': { type: { kind: 'integer-list' }, scope: 'server', description: 'batch sizes the batcher prefers to dispatch' },
  'batching.maxQueueSize': { type: positiveInt, scope: 'server', description: 'queued requests before rejecting with 503' },
  'batching.variableLength': {
    type: { kind: 'enum', values: ['pad', 'equal-length'] },
    scope: 'server',
    description: 'variable-length inputs: pad to the longest, or batch only equal lengths',
  },
  'cache.enabled': { type: bool, scope: 'server', description: 'response cache on/off' },
  'cache.capacityMb': { type: { kind: 'number', exclusiveMin: 0 }, scope: 'server', description: 'response cache capacity, MB' },
  'admission.maxQueueDelayMs': {
    type: nonNegativeInt,
    scope: 'server',
    description: 'refuse a request at once (503) when its expected wait exceeds this, ms (0 = admission control off)',
  },
  'os.cpuCores': { type: positiveInt, scope: 'os', description: 'CPU cores the server process may run on (affinity/cpuset)' },
  'os.cpuQuota': {
    type: { kind: 'number', exclusiveMin: 0, max: 1 },
    scope: 'os',
    description: 'fraction of the allowed cores the server may use (cgroup CPU quota)',
    emulated: 'a CPU quota stands in for a lower CPU frequency where cpufreq is absent',
  },
  'os.cpuFreqKhz': { type: positiveInt, scope: 'os', description: 'CPU frequency cap, kHz (cpufreq)' },
  'os.memoryLimitMb': { type: positiveInt, scope: 'os', description: 'memory limit of the server process, MB' },
  protocol: { type: { kind: 'enum', values: PROTOCOLS }, scope: 'client', description: 'protocol the load client speaks' },
} as const satisfies Record<string, KnobInfo>;

export type KnownKnobName = keyof typeof KNOB_CATALOG;

/** Names of the knobs the embedded server applies to its model configuration. */
export const SERVER_KNOB_NAMES: readonly string[] = Object.entries(KNOB_CATALOG as Record<string, KnobInfo>)
  .filter(([, info]) => info.scope === 'server')
  .map(([name]) => name);
