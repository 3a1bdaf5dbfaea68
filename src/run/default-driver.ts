/** The load driver a study uses unless a caller brings its own: pinned to its CPUs when the layout isolates it. */
import type { CpuLayout } from './cpu-layout.js';
import { loadGeneratorDriver } from './load-adapter.js';
import type { LoadDriver } from './load-driver.js';
import { PinnedGenerator } from './pinned-generator.js';

export function driverForLayout(layout: CpuLayout): LoadDriver {
  return layout.isolated ? new PinnedGenerator(layout.generatorCpus) : loadGeneratorDriver;
}
