/**
 * The measurement's JSON columns read back once, at the store's boundary, into the typed records of
 * core/trial-measurement.ts. Rows written by earlier versions must still open: unknown fields are kept, a missing
 * or mistyped field is left out rather than failing the row, and verdict reasons stored as prose (before reasons
 * had codes) come back as `{ code: 'unclassified', message }`.
 */
import { z } from 'zod';
import {
  ENERGY_SOURCES,
  type AppliedRecord,
  type ClientRecord,
  type EnergyRecord,
  type EnvironmentDetails,
  type ServerCounterDeltas,
  type TrialHistograms,
  type WorkerMachine,
} from '../core/trial-measurement.js';
import { isVerdictReasonCode, verdictReason, type VerdictReason } from '../core/verdict-reason.js';

/** A field kept when present with the expected type, left out otherwise. */
function optional<T extends z.ZodType>(schema: T) {
  return schema.optional().catch(undefined);
}

const number = optional(z.number());
const numberOrNull = optional(z.number().nullable());
const string = optional(z.string());
const objectOrNull = optional(z.record(z.string(), z.unknown()).nullable());

/** One stored reason: typed, or an earlier version's prose; anything else is dropped. */
export function storedVerdictReason(value: unknown): VerdictReason | undefined {
  if (typeof value === 'string') return verdictReason('unclassified', value);
  if (typeof value !== 'object' || value === null) return undefined;
  const { code, message } = value as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') return undefined;
  return verdictReason(isVerdictReasonCode(code) ? code : 'unclassified', message);
}

const reasons = optional(z.array(z.unknown()).transform((list) => list.flatMap((item) => storedVerdictReason(item) ?? [])));

const windowSchema = z.looseObject({
  startMs: number,
  endMs: number,
  offeredRps: numberOrNull,
  achievedRps: numberOrNull,
  errors: number,
  dropped: number,
  p50Ms: numberOrNull,
  p99Ms: numberOrNull,
  meanMs: numberOrNull,
});

const clientSchema: z.ZodType<ClientRecord> = z.looseObject({
  pattern: string,
  patternType: string,
  protocol: string,
  target: string,
  model: string,
  workload: optional(z.string().nullable()),
  seed: number,
  durationMs: number,
  warmupMs: number,
  windowMs: number,
  offeredRps: numberOrNull,
  achievedRps: number,
  requests: number,
  completed: number,
  errors: optional(z.looseObject({ total: number, byKind: optional(z.record(z.string(), z.number())), examples: optional(z.record(z.string(), z.string())) })),
  dropped: number,
  timeouts: number,
  warmupRequests: number,
  latencyMs: objectOrNull,
  serviceTimeMs: objectOrNull,
  percentileSupport: optional(z.record(z.string(), z.unknown())),
  server: objectOrNull,
  windows: optional(z.array(windowSchema)),
  stability: optional(z.looseObject({ state: z.string(), rule: string, reason: string })),
  generator: optional(z.record(z.string(), z.unknown())),
  capacity: objectOrNull,
  valid: optional(z.boolean()),
  reasons,
});

/** Counter deltas keep their numeric entries. */
const serverSchema: z.ZodType<ServerCounterDeltas> = z
  .record(z.string(), z.unknown())
  .transform((counters) => Object.fromEntries(Object.entries(counters).filter((entry): entry is [string, number] => typeof entry[1] === 'number')));

const energySchema: z.ZodType<EnergyRecord> = z.looseObject({
  meter: string,
  source: optional(z.enum(ENERGY_SOURCES)),
  scope: string,
  durationMs: number,
  energyJ: number,
  powerW: number,
  idlePowerW: number,
  idleEnergyJ: number,
  busyCores: number,
  domains: optional(z.record(z.string(), z.number())),
});

const histogramsSchema: z.ZodType<TrialHistograms> = z.record(z.string(), z.unknown());

const workerSchema: z.ZodType<WorkerMachine> = z.looseObject({ host: z.string(), cpuModel: string, cores: number, memoryMb: number, pid: number });

const appliedSchema: z.ZodType<AppliedRecord> = z.looseObject({
  configuration: optional(z.record(z.string(), z.union([z.number(), z.string(), z.boolean()]))),
  os: optional(z.array(z.looseObject({ knob: z.string(), requested: z.number(), applied: z.string(), method: z.string(), emulated: string }))),
  protocol: string,
  rateRps: number,
  durationMs: number,
  durationExtended: string,
  serverStartupMs: number,
  threadPlacement: string,
  coServed: string,
  coServedModels: optional(z.array(z.string())),
  worker: optional(workerSchema),
});

const verdictSchema: z.ZodType<{ valid?: boolean; reasons?: VerdictReason[] }> = z.looseObject({ valid: optional(z.boolean()), reasons });

const environmentDetailsSchema: z.ZodType<EnvironmentDetails> = z.looseObject({ worker: optional(workerSchema) });

function parsed<T>(schema: z.ZodType<T>, text: string | null): T | undefined {
  if (text === null) return undefined;
  const result = schema.safeParse(JSON.parse(text));
  return result.success ? result.data : undefined;
}

export interface StoredVerdict {
  readonly valid: boolean;
  readonly reasons: readonly VerdictReason[];
}

/** The verdict column ({ valid, reasons }); undefined without one. */
export function parseVerdictJson(text: string | null): StoredVerdict | undefined {
  const verdict = parsed(verdictSchema, text);
  return verdict === undefined ? undefined : { valid: verdict.valid ?? false, reasons: verdict.reasons ?? [] };
}

export const parseClientJson = (text: string | null): ClientRecord | undefined => parsed(clientSchema, text);
export const parseServerJson = (text: string | null): ServerCounterDeltas | undefined => parsed(serverSchema, text);
export const parseEnergyJson = (text: string | null): EnergyRecord | undefined => parsed(energySchema, text);
export const parseHistogramsJson = (text: string | null): TrialHistograms | undefined => parsed(histogramsSchema, text);
export const parseAppliedJson = (text: string | null): AppliedRecord | undefined => parsed(appliedSchema, text);

/** An environment record's details; free-form facts kept, a worker without its host name left out. */
export function parseEnvironmentDetails(text: string): EnvironmentDetails {
  return parsed(environmentDetailsSchema, text) ?? {};
}
