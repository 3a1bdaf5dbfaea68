/** The report's view of the recorded machine environment and energy meter. */
import { DEFAULT_POWER_MODEL } from '../energy/estimate.js';
import type { EnvironmentRecord } from '../store/types.js';
import type { KnobNote, MachineSummary } from './input.js';

const ESTIMATE_METER = 'cpu-time-estimate';

export function machineSummary(record: EnvironmentRecord | undefined, studyPowerModel?: { idleW: number; perCoreW: number }): MachineSummary {
  if (!record) return unknownMachine('the study database holds no environment record');
  const details = record.details as Record<string, unknown>;
  // The runner records the meter as details.energyMeter { name, estimated, description, powerModel, idlePowerW }.
  const meter = objectOf(details.energyMeter) ?? {};
  const estimated = meter.estimated === true || details.source === 'estimate' || record.meter === ESTIMATE_METER;
  const powerModel = objectOf(meter.powerModel) ?? objectOf(details.powerModel) ?? (estimated ? { ...(studyPowerModel ?? DEFAULT_POWER_MODEL) } : undefined);
  const scope = [meter.description, details.scope].find((value): value is string => typeof value === 'string');
  const description = estimated
    ? `Energy is estimated from the server process's CPU time over all its threads (read from /proc): energy = idleW × window seconds + ` +
      `perCoreW × CPU seconds, divided by the inferences completed in the steady window.${scope ? ` Scope: ${scope}.` : ''}`
    : `Energy is measured by ${record.meter}${scope ? ` (${scope})` : ''} over the steady window and divided by the inferences completed in it.`;
  const idleW = typeof meter.idlePowerW === 'number' ? meter.idlePowerW : typeof powerModel?.idleW === 'number' ? powerModel.idleW : undefined;
  return {
    cpuModel: record.cpuModel,
    cores: record.cores,
    memoryMb: record.memoryMb,
    os: record.os,
    nodeVersion: record.nodeVersion,
    onnxruntimeVersion: record.ortVersion,
    ...(typeof details.virtualized === 'boolean' ? { virtualized: details.virtualized } : {}),
    energyMeter: {
      name: record.meter,
      estimated,
      description,
      ...(powerModel ? { powerModel: powerModel as Record<string, number | string> } : {}),
      ...(estimated && idleW !== undefined ? { idlePowerW: idleW } : {}),
    },
    knobNotes: knobNotes(details.knobNotes),
    ...(typeof objectOf(details.cpuLayout)?.description === 'string' ? { cpuLayout: objectOf(details.cpuLayout)!.description as string } : {}),
    extra: stringEntries(details, ['hostname', 'governor', 'kernel', 'cpuQuotaMechanism', 'servelabVersion']),
  };
}

/** For sources without an environment record (a CSV): says plainly that the machine is unknown. */
export function unknownMachine(why: string): MachineSummary {
  return {
    cpuModel: `unknown (${why})`,
    cores: 0,
    memoryMb: 0,
    os: 'unknown',
    nodeVersion: 'unknown',
    energyMeter: {
      name: 'unknown',
      estimated: true,
      description: `The energy meter is not recorded (${why}). Treat energy figures as estimates unless you know they were measured.`,
    },
    knobNotes: [],
  };
}

function knobNotes(value: unknown): KnobNote[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    const note = objectOf(entry);
    if (!note || typeof note.knob !== 'string' || typeof note.note !== 'string') return [];
    return [{ knob: note.knob, note: note.note, emulated: note.emulated === true }];
  });
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function stringEntries(details: Record<string, unknown>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.flatMap((key) => (typeof details[key] === 'string' || typeof details[key] === 'number' ? [[key, String(details[key])]] : [])));
}
