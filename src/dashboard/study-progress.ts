/**
 * The progress panel: counts per state and per model × workload × load, elapsed and estimated time, the
 * recent rate, failures by kind with their reasons, and which machine ran what. A pure function of the rows
 * and a time, so it is tested on fixed times.
 */
import { configurationLabel } from '../core/format.js';
import type { ContextProgress, DashboardRow, FailureGroup, MachineProgress, StudyProgressView } from './types.js';

/** The rate is taken over the finishes of this recent span, so a resumed study's pause does not dilute it. */
export const RATE_WINDOW_MS = 10 * 60_000;
const REASONS_PER_KIND = 5;

export interface ProgressInput {
  readonly rows: readonly DashboardRow[];
  /** Trials the study plans in all, when known. */
  readonly expectedTrials?: number;
  readonly knobOrder: readonly string[];
  readonly machines?: readonly { readonly name: string; readonly cpuModel?: string; readonly cores?: number }[];
  readonly nowMs: number;
}

export function studyProgress(input: ProgressInput): StudyProgressView {
  const { rows } = input;
  const count = (predicate: (row: DashboardRow) => boolean): number => rows.reduce((n, row) => n + (predicate(row) ? 1 : 0), 0);
  const completed = count((row) => row.state === 'completed');
  const failed = count((row) => row.state === 'failed');
  const running = count((row) => row.state === 'running');
  const valid = count((row) => row.verdict === 'valid');
  const planned = Math.max(input.expectedTrials ?? rows.length, rows.length);
  const starts = rows.flatMap((row) => (row.startedAt ? [Date.parse(row.startedAt)] : [])).filter(Number.isFinite);
  const finishes = rows
    .filter((row) => row.state === 'completed' || row.state === 'failed')
    .flatMap((row) => (row.finishedAt ? [Date.parse(row.finishedAt)] : []))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const firstStartMs = starts.length > 0 ? Math.min(...starts) : undefined;
  const lastFinishMs = finishes.at(-1);
  const endMs = running > 0 ? input.nowMs : (lastFinishMs ?? input.nowMs);
  const trialsPerMinute = recentRate(finishes);
  const remaining = planned - completed - failed;
  return {
    planned,
    pending: Math.max(0, remaining - running),
    running,
    completed,
    failed,
    valid,
    invalid: completed - valid,
    ...(firstStartMs === undefined ? {} : { firstStartedAt: new Date(firstStartMs).toISOString() }),
    ...(lastFinishMs === undefined ? {} : { lastFinishedAt: new Date(lastFinishMs).toISOString() }),
    elapsedMs: firstStartMs === undefined ? 0 : Math.max(0, endMs - firstStartMs),
    trialsPerMinute,
    remainingMs: trialsPerMinute === null || trialsPerMinute <= 0 ? null : remaining === 0 ? 0 : (remaining / trialsPerMinute) * 60_000,
    contexts: contextProgress(rows),
    failures: failureGroups(rows),
    machines: machineProgress(rows, input.machines ?? [], input.knobOrder),
    computedAt: new Date(input.nowMs).toISOString(),
  };
}

/** Finished trials per minute over the last RATE_WINDOW_MS of finishes; null before two finishes. */
export function recentRate(sortedFinishesMs: readonly number[]): number | null {
  const last = sortedFinishesMs.at(-1);
  if (last === undefined) return null;
  const recent = sortedFinishesMs.filter((time) => time >= last - RATE_WINDOW_MS);
  const spanMs = last - recent[0]!;
  if (recent.length < 2 || spanMs <= 0) return null;
  return ((recent.length - 1) / spanMs) * 60_000;
}

function contextProgress(rows: readonly DashboardRow[]): ContextProgress[] {
  const byContext = new Map<string, { model: string; workload: string; load: string; planned: number; running: number; completed: number; failed: number; valid: number }>();
  for (const row of rows) {
    const key = `${row.model}\u0000${row.workload}\u0000${row.load}`;
    const entry = byContext.get(key) ?? { model: row.model, workload: row.workload, load: row.load, planned: 0, running: 0, completed: 0, failed: 0, valid: 0 };
    entry.planned += 1;
    if (row.state === 'running') entry.running += 1;
    if (row.state === 'completed') entry.completed += 1;
    if (row.state === 'failed') entry.failed += 1;
    if (row.verdict === 'valid') entry.valid += 1;
    byContext.set(key, entry);
  }
  return [...byContext.values()];
}

type ReasonEntry = FailureGroup['reasons'][number];

/**
 * Failed trials by failure kind, each with its commonest reasons, and invalid verdicts as their own group with
 * their reason codes (an example message each); reasons stored before codes are told apart by their message.
 */
function failureGroups(rows: readonly DashboardRow[]): FailureGroup[] {
  const groups = new Map<string, Map<string, ReasonEntry>>();
  const add = (kind: string, key: string, entry: Omit<ReasonEntry, 'count'>): void => {
    const reasons = groups.get(kind) ?? new Map<string, ReasonEntry>();
    reasons.set(key, { ...entry, count: (reasons.get(key)?.count ?? 0) + 1 });
    groups.set(kind, reasons);
  };
  for (const row of rows) {
    if (row.state === 'failed') {
      const reason = row.reasons[0] ?? 'failed';
      add(row.failureKind ?? 'crash', reason, { reason });
    } else if (row.verdict === 'invalid') {
      const typed = row.verdictReasons ?? [];
      if (typed.length === 0) for (const reason of row.reasons.length > 0 ? row.reasons : ['no reason recorded']) add('invalid', `\u0000${reason}`, { reason });
      // A trial counts once per code, however many of its reasons share it.
      const seen = new Set<string>();
      for (const { code, message } of typed) {
        const key = code === 'unclassified' ? `${code}\u0000${message}` : code;
        if (seen.has(key)) continue;
        seen.add(key);
        add('invalid', key, { code, reason: groups.get('invalid')?.get(key)?.reason ?? message });
      }
    }
  }
  return [...groups]
    .map(([kind, reasons]) => {
      const sorted = [...reasons.values()].sort((a, b) => b.count - a.count);
      const trials = kind === 'invalid' ? rows.filter((row) => row.verdict === 'invalid').length : sorted.reduce((n, entry) => n + entry.count, 0);
      return { kind, count: trials, reasons: sorted.slice(0, REASONS_PER_KIND) };
    })
    .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
}

function machineProgress(rows: readonly DashboardRow[], described: NonNullable<ProgressInput['machines']>, knobOrder: readonly string[]): MachineProgress[] {
  const names = [...new Set([...described.map((machine) => machine.name), ...rows.flatMap((row) => (row.machine ? [row.machine] : []))])].sort();
  return names.map((name) => {
    const info = described.find((machine) => machine.name === name);
    const ran = rows.filter((row) => row.machine === name);
    const last = ran.filter((row) => row.finishedAt).sort((a, b) => a.finishedAt!.localeCompare(b.finishedAt!)).at(-1);
    return {
      machine: name,
      ...(info?.cpuModel ? { cpuModel: info.cpuModel } : {}),
      ...(info?.cores ? { cores: info.cores } : {}),
      completed: ran.filter((row) => row.state === 'completed').length,
      failed: ran.filter((row) => row.state === 'failed').length,
      ...(last
        ? { lastTrial: { id: last.id, label: `${configurationLabel(last.knobs, knobOrder)} · ${last.model} · ${last.workload} · ${last.load}`, finishedAt: last.finishedAt! } }
        : {}),
    };
  });
}
