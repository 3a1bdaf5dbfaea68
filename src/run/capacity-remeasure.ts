/**
 * A capacity search the hypervisor disturbed is run again. Every trial at a stress level is offered a fraction of
 * the capacity, so a search during which the hypervisor took more of the CPUs' time than the study allows
 * (steal over validity.maxCpuSteal, the rule a trial is held to) is repeated, up to validity.remeasure more times.
 * The last search is kept, with its steal.
 */
import { stealShare, type CpuTimes } from './cpu-steal.js';
import type { CapacityResult } from './load-driver.js';

export interface CapacityRemeasureOptions {
  readonly maxCpuSteal: number;
  /** How many more searches at most. */
  readonly remeasure: number;
  /** The CPUs' times now (cpu-steal.ts readCpuTimes over the server's and the generator's CPUs). */
  readonly readCpuTimes: () => CpuTimes | undefined;
  readonly onRemeasured?: (steal: number) => void;
}

export async function searchUntilUndisturbed(search: () => Promise<CapacityResult>, options: CapacityRemeasureOptions): Promise<{ readonly result: CapacityResult; readonly steal?: number }> {
  for (let searches = 1; ; searches++) {
    const before = options.readCpuTimes();
    const result = await search();
    const steal = stealShare(before, options.readCpuTimes());
    if (steal === undefined) return { result };
    if (steal <= options.maxCpuSteal || searches > options.remeasure) return { result, steal };
    options.onRemeasured?.(steal);
  }
}
