import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { VirtualClock } from '../../../src/core/clock.js';
import { createCpuTimeEstimateMeter, DEFAULT_POWER_MODEL, estimateEnergy, validatePowerModel } from '../../../src/energy/estimate.js';
import { joulesPerInference } from '../../../src/energy/meter.js';
import { clockTicksPerSecond, parseProcStat, readPeakRssMb, readProcessCpuSeconds } from '../../../src/energy/proc.js';

test('the power model: idle W over the window plus W per busy core-second', () => {
  const estimate = estimateEnergy(3, 2_000, { idleW: 10, perCoreW: 12 });
  assert.equal(estimate.busyCores, 1.5);
  assert.equal(estimate.idleEnergyJ, 20);
  assert.equal(estimate.activeEnergyJ, 36);
  assert.equal(estimate.energyJ, 56);
  assert.equal(estimate.powerW, 28);
  assert.deepEqual(DEFAULT_POWER_MODEL, { idleW: 10, perCoreW: 12 });
  assert.throws(() => validatePowerModel({ idleW: -1, perCoreW: 12 }), /energy.powerModel.idleW: expected a non-negative number of watts, got -1/);
});

test('the estimate meter is labelled an estimate and reports idle power separately', async () => {
  const clock = new VirtualClock();
  let cpuSeconds = 5;
  const meter = createCpuTimeEstimateMeter({ pid: 4242, clock, powerModel: { idleW: 8, perCoreW: 10 }, readCpuSeconds: () => cpuSeconds });
  assert.equal(meter.source, 'estimate');
  const window = await meter.start();
  cpuSeconds = 9; // 4 core-seconds
  await clock.advanceMs(4_000);
  const reading = await window.stop();
  assert.equal(reading.meter, 'cpu-time-estimate');
  assert.equal(reading.source, 'estimate');
  assert.equal(reading.busyCores, 1);
  assert.equal(reading.idlePowerW, 8);
  assert.equal(reading.idleEnergyJ, 32);
  assert.equal(reading.energyJ, 32 + 40);
  assert.equal(joulesPerInference(reading, 720), 0.1);
  assert.equal(joulesPerInference(reading, 0), undefined);
});

test('/proc/<pid>/stat parsing copes with spaces and parentheses in the command name', () => {
  const line = '4242 (node (v20) x) S 1 4242 4242 0 -1 4194560 500 0 0 0 250 75 0 0 20 0 11 0 100 1000000 2048 18446744073709551615';
  const stat = parseProcStat(line);
  assert.equal(stat.utimeTicks, 250);
  assert.equal(stat.stimeTicks, 75);
  assert.equal(stat.threads, 11);
  assert.equal(stat.rssPages, 2048);
});

test('CPU seconds from a fixture /proc, and a clear error for a vanished process', (t) => {
  const procDir = mkdtempSync(join(tmpdir(), 'servelab-proc-'));
  t.after(() => rmSync(procDir, { recursive: true, force: true }));
  mkdirSync(join(procDir, '77'));
  writeFileSync(join(procDir, '77', 'stat'), '77 (node) S 1 77 77 0 -1 0 0 0 0 0 300 100 0 0 20 0 4 0 1 1 1\n');
  writeFileSync(join(procDir, '77', 'status'), 'Name:\tnode\nVmHWM:\t  204800 kB\n');
  assert.equal(readProcessCpuSeconds(77, { procDir }), 400 / clockTicksPerSecond());
  assert.equal(readPeakRssMb(77, { procDir }), 200);
  assert.throws(() => readProcessCpuSeconds(78, { procDir }), /cannot read CPU time of process 78/);
  assert.equal(readPeakRssMb(78, { procDir }), undefined);
});

test('a busy child process is seen busy through the real /proc (all threads)', async (t) => {
  const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 1500; while (Date.now() < end) {}']);
  t.after(() => child.kill('SIGKILL'));
  const meter = createCpuTimeEstimateMeter({ pid: child.pid! });
  const window = await meter.start();
  await new Promise((resolve) => setTimeout(resolve, 800));
  const reading = await window.stop();
  // One spinning thread on a shared machine: clearly busy, never more than the machine's cores.
  assert.ok(reading.busyCores! > 0.2 && reading.busyCores! < 2.5, `busyCores ${reading.busyCores}`);
  assert.ok(reading.energyJ > reading.idleEnergyJ!);
});
