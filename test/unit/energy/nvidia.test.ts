import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VirtualClock } from '../../../src/core/clock.js';
import { createNvidiaMeter, integratePowerJ, NVIDIA_QUERY_ARGS, parseNvidiaCsv } from '../../../src/energy/nvidia.js';

test('nvidia-smi CSV: numbers, [N/A] fields and names with commas', () => {
  const text = '0, NVIDIA H200, 74.83, 123456789\n1, Tesla K80, 30.10, [Not Supported]\n2, GPU, rev 2, [N/A], [N/A]\n';
  assert.deepEqual(parseNvidiaCsv(text), [
    { index: 0, name: 'NVIDIA H200', powerW: 74.83, totalEnergyMj: 123456789 },
    { index: 1, name: 'Tesla K80', powerW: 30.1, totalEnergyMj: undefined },
    { index: 2, name: 'GPU, rev 2', powerW: undefined, totalEnergyMj: undefined },
  ]);
  assert.throws(() => parseNvidiaCsv('garbage\n'), /expected 4 comma-separated fields/);
});

test('trapezoid integration of power samples', () => {
  assert.equal(integratePowerJ([{ atMs: 0, powerW: 100 }, { atMs: 1000, powerW: 200 }, { atMs: 3000, powerW: 200 }]), 150 + 400);
  assert.equal(integratePowerJ([{ atMs: 0, powerW: 100 }]), 0);
});

test('energy counter delta where the driver has one, integrated power otherwise', async () => {
  const clock = new VirtualClock();
  const outputs = ['0, A100, 60, 1000000\n1, K80, 30, [N/A]\n', '0, A100, 60, 1000000\n1, K80, 30, [N/A]\n', '0, A100, 90, 1250000\n1, K80, 50, [N/A]\n'];
  const calls: string[][] = [];
  const run = async (file: string, args: readonly string[]): Promise<string> => {
    calls.push([file, ...args]);
    return outputs.shift() ?? '0, A100, 90, 1250000\n1, K80, 50, [N/A]\n';
  };
  const meter = await createNvidiaMeter({ run, clock, pollMs: 60_000 });
  assert.equal(meter.source, 'measurement');
  assert.match(meter.scope, /0: A100; 1: K80/);
  const window = await meter.start();
  await clock.advanceMs(2_000);
  const reading = await window.stop();
  assert.deepEqual(calls[0], ['nvidia-smi', ...NVIDIA_QUERY_ARGS]);
  assert.equal(reading.domains!['gpu0 A100'], 250); // (1,250,000 - 1,000,000) mJ
  assert.equal(reading.domains!['gpu1 K80'], 80); // (30 + 50) / 2 W over 2 s
  assert.equal(reading.energyJ, 330);
  assert.equal(reading.meter, 'nvidia-smi');
});

test('a GPU without power or energy readings is refused with the reason', async () => {
  await assert.rejects(createNvidiaMeter({ run: async () => '0, X, [N/A], [N/A]\n' }), /neither power.draw nor total_energy_consumption/);
  await assert.rejects(createNvidiaMeter({ run: async () => '' }), /lists no GPUs/);
});
