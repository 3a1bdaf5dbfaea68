import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { VirtualClock } from '../../../src/core/clock.js';
import { counterDeltaUj, createRaplMeter, discoverRaplZones, RaplAccumulator } from '../../../src/energy/rapl.js';
import { detectMeters, resolveMeterChoice } from '../../../src/energy/select.js';

const MAX_UJ = 262_143_328_850;

/** A fixture /sys/class/powercap tree: two packages with core and dram sub-zones, plus psys. */
function makePowercap(t: { after(fn: () => void): void }): { root: string; set(id: string, uj: number): void } {
  const root = mkdtempSync(join(tmpdir(), 'servelab-rapl-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const base = join(root, 'sys/class/powercap');
  const zones: Record<string, string> = {
    'intel-rapl:0': 'package-0',
    'intel-rapl:0:0': 'core',
    'intel-rapl:0:1': 'dram',
    'intel-rapl:1': 'package-1',
    'intel-rapl:2': 'psys',
  };
  for (const [id, name] of Object.entries(zones)) {
    mkdirSync(join(base, id), { recursive: true });
    writeFileSync(join(base, id, 'name'), `${name}\n`);
    writeFileSync(join(base, id, 'max_energy_range_uj'), `${MAX_UJ}\n`);
    writeFileSync(join(base, id, 'energy_uj'), '0\n');
  }
  mkdirSync(join(base, 'intel-rapl'), { recursive: true }); // the control-type entry, not a zone
  return { root, set: (id, uj) => writeFileSync(join(base, id, 'energy_uj'), `${uj}\n`) };
}

test('counter delta undoes one wrap-around at max_energy_range_uj', () => {
  assert.equal(counterDeltaUj(1_000, 5_000, MAX_UJ), 4_000);
  assert.equal(counterDeltaUj(MAX_UJ - 1_000, 2_000, MAX_UJ), 3_000);
  assert.equal(counterDeltaUj(7, 7, MAX_UJ), 0);
});

test('zones are discovered; packages and DRAM count, core and psys do not', (t) => {
  const { root } = makePowercap(t);
  const zones = discoverRaplZones(root);
  assert.deepEqual(
    zones.map((zone) => [zone.id, zone.name, zone.counted]),
    [
      ['intel-rapl:0', 'package-0', true],
      ['intel-rapl:0:0', 'core', false],
      ['intel-rapl:0:1', 'dram', true],
      ['intel-rapl:1', 'package-1', true],
      ['intel-rapl:2', 'psys', false],
    ],
  );
  assert.equal(zones[0]!.maxEnergyRangeUj, MAX_UJ);
});

test('accumulator sums zones and survives a wrap between samples', (t) => {
  const fixture = makePowercap(t);
  fixture.set('intel-rapl:0', MAX_UJ - 2_000_000);
  fixture.set('intel-rapl:1', 10_000_000);
  const accumulator = new RaplAccumulator(discoverRaplZones(fixture.root));
  fixture.set('intel-rapl:0', 3_000_000); // wrapped: 2 J + 3 J
  fixture.set('intel-rapl:1', 14_000_000); // 4 J
  fixture.set('intel-rapl:0:1', 1_500_000); // dram 1.5 J
  fixture.set('intel-rapl:0:0', 2_500_000); // core: inside package-0, not added again
  accumulator.sample();
  fixture.set('intel-rapl:0', 4_000_000); // +1 J
  accumulator.sample();
  const { totalJ, domains } = accumulator.joules();
  assert.equal(domains['intel-rapl:0 package-0'], 6);
  assert.equal(domains['intel-rapl:1 package-1'], 4);
  assert.equal(domains['intel-rapl:0:0 core'], 2.5);
  assert.equal(totalJ, 6 + 4 + 1.5);
});

test('meter window reports joules and mean power over virtual time', async (t) => {
  const fixture = makePowercap(t);
  const clock = new VirtualClock(1_000);
  const meter = createRaplMeter({ rootDir: fixture.root, clock, pollMs: 60_000 });
  assert.equal(meter.source, 'measurement');
  const window = await meter.start();
  fixture.set('intel-rapl:0', 30_000_000);
  fixture.set('intel-rapl:1', 10_000_000);
  await clock.advanceMs(2_000);
  const reading = await window.stop();
  assert.equal(reading.meter, 'rapl');
  assert.equal(reading.source, 'measurement');
  assert.equal(reading.durationMs, 2_000);
  assert.equal(reading.energyJ, 40);
  assert.equal(reading.powerW, 20);
});

test('missing or unreadable powercap gives a reason, and auto falls back to the estimate', async (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'servelab-norapl-'));
  t.after(() => rmSync(empty, { recursive: true, force: true }));
  assert.throws(() => discoverRaplZones(empty), /RAPL is not available: .*does not exist/);
  const failingSmi = async (): Promise<string> => {
    throw new Error('spawn nvidia-smi ENOENT');
  };
  const capabilities = await detectMeters({ rootDir: empty, run: failingSmi });
  assert.equal(capabilities.find((c) => c.meter === 'rapl')?.available, false);
  assert.match(capabilities.find((c) => c.meter === 'nvidia-smi')?.reason ?? '', /nvidia-smi failed: spawn nvidia-smi ENOENT/);
  assert.equal(await resolveMeterChoice('auto', { rootDir: empty, run: failingSmi }), 'cpu-time-estimate');
  const fixture = makePowercap(t);
  assert.equal(await resolveMeterChoice('auto', { rootDir: fixture.root, run: failingSmi }), 'rapl');
});

test('a zone with a garbled max range is rejected with its name', (t) => {
  const fixture = makePowercap(t);
  writeFileSync(join(fixture.root, 'sys/class/powercap/intel-rapl:1/max_energy_range_uj'), 'n/a\n');
  assert.throws(() => discoverRaplZones(fixture.root), /intel-rapl:1: max_energy_range_uj must be a positive number/);
});
