/**
 * CPU time the hypervisor gave to other guests while a trial ran ("steal" in /proc/stat). On a virtual machine
 * it arrives in bursts that stall the server and the generator alike, whatever their CPU layout; the trial
 * records it, so an INVALID verdict can say whether the machine, not the configuration, was to blame.
 */
import { readFileSync } from 'node:fs';
import { verdictReason, type VerdictReason } from '../core/verdict-reason.js';

export interface CpuTimes {
  readonly stealJiffies: number;
  readonly totalJiffies: number;
}

/** Sums the steal and total jiffies of the given CPUs (all when none are named); undefined where /proc/stat can't be read. */
export function readCpuTimes(cpus?: readonly number[], statText?: string): CpuTimes | undefined {
  let text: string;
  try {
    text = statText ?? readFileSync('/proc/stat', 'utf8');
  } catch {
    return undefined;
  }
  let stealJiffies = 0;
  let totalJiffies = 0;
  for (const line of text.split('\n')) {
    const match = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!match || (cpus && !cpus.includes(Number(match[1])))) continue;
    // user nice system idle iowait irq softirq steal [guest guest_nice, already inside user and nice]
    const fields = match[2]!.trim().split(/\s+/).map(Number).slice(0, 8);
    stealJiffies += fields[7] ?? 0;
    totalJiffies += fields.reduce((sum, value) => sum + value, 0);
  }
  return totalJiffies > 0 ? { stealJiffies, totalJiffies } : undefined;
}

/** Share of the CPUs' time stolen between two readings (0..1), or undefined without both. */
export function stealShare(before: CpuTimes | undefined, after: CpuTimes | undefined): number | undefined {
  if (!before || !after) return undefined;
  const total = after.totalJiffies - before.totalJiffies;
  return total > 0 ? (after.stealJiffies - before.stealJiffies) / total : undefined;
}

/** Steal above this share is worth naming beside an INVALID verdict. */
export const NOTABLE_STEAL = 0.02;

/**
 * The steal share's part in a trial's verdict. Above the study's limit the trial is INVALID: the machine, not the
 * configuration, set its latency. Below it, a notable share is named beside the reasons of a trial INVALID anyway.
 */
export function stealVerdict(steal: number | undefined, maxCpuSteal: number, invalidOtherwise: boolean): { readonly invalidates: boolean; readonly reasons: readonly VerdictReason[] } {
  if (steal === undefined) return { invalidates: false, reasons: [] };
  const share = `${(steal * 100).toFixed(1)}%`;
  if (steal > maxCpuSteal) {
    const limit = `${(maxCpuSteal * 100).toFixed(1)}%`;
    return { invalidates: true, reasons: [verdictReason('machine', `the hypervisor took ${share} of the CPUs' time during the run (steal; the study allows ${limit}, validity.maxCpuSteal)`)] };
  }
  if (invalidOtherwise && steal > NOTABLE_STEAL) return { invalidates: false, reasons: [verdictReason('machine', `note: the hypervisor took ${share} of the CPUs' time during the run (steal)`)] };
  return { invalidates: false, reasons: [] };
}
