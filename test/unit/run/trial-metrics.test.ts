import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EnergyReading } from '../../../src/energy/meter.js';
import type { LoadSummary } from '../../../src/load/summary.js';
import { coefficientsOfVariation, constraintReasons, trialMetrics } from '../../../src/run/trial-metrics.js';
import { trialId } from '../../../src/run/trial-plan.js';
import { repetitionCv } from '../../../src/store/status.js';

const summary = {
  achievedRps: 50,
  requests: 200,
  completed: 196,
  errors: { total: 4, byKind: { http503: 4 } },
  dropped: 0,
  latencyMs: { p50: 2, p90: 3, p95: 4, p99: 9, p999: 12, max: 15, mean: 2.5 },
  server: { responses: 196, queueUs: { mean: 500, p50: 400, p99: 900 }, computeUs: { mean: 1500, p50: 1400, p99: 2000 }, meanBatchSize: 1.5, cacheHitRate: 0.25 },
} as unknown as LoadSummary;

const energy: EnergyReading = { meter: 'cpu-time-estimate', source: 'estimate', scope: 'server process', durationMs: 4000, energyJ: 98, powerW: 24.5, idlePowerW: 10, idleEnergyJ: 40, busyCores: 1.2 };

test('metrics from the load summary, process usage and energy reading', () => {
  const metrics = trialMetrics(summary, { cpuSeconds: 4.8, windowMs: 4000, peakRssMb: 180 }, energy);
  assert.deepEqual(metrics, {
    p50_ms: 2,
    p90_ms: 3,
    p95_ms: 4,
    p99_ms: 9,
    p999_ms: 12,
    mean_ms: 2.5,
    max_ms: 15,
    achieved_rps: 50,
    error_rate: 0.02,
    dropped: 0,
    server_queue_ms: 0.5,
    server_compute_ms: 1.5,
    mean_batch_size: 1.5,
    cache_hit_rate: 0.25,
    cpu_util: 1.2,
    rss_mb: 180,
    power_w: 24.5,
    energy_j: 98,
    energy_j_per_inf: 0.5,
  });
  assert.deepEqual(constraintReasons(metrics, [{ metric: 'p99_ms', max: 5 }, { metric: 'achieved_rps', min: 10 }, { metric: 'cache_hit_rate', min: 0.5 }]), [
    { code: 'constraint', message: 'p99_ms 9 exceeds the constraint max 5' },
    { code: 'constraint', message: 'cache_hit_rate 0.25 is below the constraint min 0.5' },
  ]);
  assert.deepEqual(constraintReasons(metrics, [{ metric: 'gpu_util', max: 1 }]), [{ code: 'constraint', message: 'constraint on gpu_util: not measured' }]);
});

test('coefficient of variation per metric over repetitions', () => {
  const cv = coefficientsOfVariation([{ p99_ms: 10, x: 0 }, { p99_ms: 12, x: 0 }, { p99_ms: 14, x: 0 }]);
  assert.ok(Math.abs(cv.p99_ms! - 2 / 12) < 1e-12);
  assert.equal(cv.x, undefined);
  assert.deepEqual(coefficientsOfVariation([{ p99_ms: 10 }]), {});
  const rows = [10, 12, 14].map((p99, repetition) => ({
    trialId: `t${repetition}`,
    configuration: { instances: 1 },
    context: { model: 'm', workload: 'w', load: 'l' },
    repetition,
    state: 'completed' as const,
    valid: true,
    metrics: { p99_ms: p99 },
  }));
  assert.ok(Math.abs(repetitionCv(rows).p99_ms! - 2 / 12) < 1e-12);
});

test('trial ids are stable and differ by configuration, context and repetition', () => {
  const context = { model: 'mnist-cnn', workload: 'mnist-digits', load: 'poisson@medium' };
  const id = trialId('s', { instances: 2, 'cache.enabled': true }, context, 0);
  assert.match(id, /^t-[0-9a-f]{16}$/);
  assert.equal(trialId('s', { 'cache.enabled': true, instances: 2 }, context, 0), id);
  assert.notEqual(trialId('s', { 'cache.enabled': true, instances: 2 }, context, 1), id);
  assert.notEqual(trialId('s', { 'cache.enabled': true, instances: 1 }, context, 0), id);
  assert.notEqual(trialId('s', { 'cache.enabled': true, instances: 2 }, { ...context, load: 'poisson@high' }, 0), id);
});
