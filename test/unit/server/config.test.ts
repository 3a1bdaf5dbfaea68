import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServelabError } from '../../../src/core/errors.js';
import { DEFAULT_MODEL_CONFIG, parseServerConfig, resolveModelConfig } from '../../../src/server/config.js';
import { SERVER_KNOBS, applyServerKnobs } from '../../../src/server/knobs.js';
import { KNOB_CATALOG } from '../../../src/core/knobs.js';

test('an empty server configuration gets documented defaults', () => {
  const config = parseServerConfig({});
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.httpPort, 8500);
  assert.equal(config.grpcPort, 8501);
  assert.deepEqual(config.models, []);
  assert.deepEqual(resolveModelConfig(config.defaults), DEFAULT_MODEL_CONFIG);
  assert.equal(config.maxBodyBytes, 64 * 1024 * 1024);
  assert.equal(config.maxInFlightBodyBytes, 256 * 1024 * 1024);
  assert.equal(config.maxRequestBatchSize, 256);
  assert.equal(config.maxRequestTensorBytes, 32 * 1024 * 1024);
  assert.equal(config.drainTimeoutMs, 30_000);
});

test('server limits: the in-flight body budget must hold one largest body; limits are positive', () => {
  assert.throws(
    () => parseServerConfig({ maxBodyBytes: 4096, maxInFlightBodyBytes: 2048, maxRequestBatchSize: 0, drainTimeoutMs: -1 }),
    (error: unknown) => {
      assert.ok(error instanceof ServelabError);
      assert.match(error.message, /maxRequestBatchSize/);
      assert.match(error.message, /drainTimeoutMs/);
      return true;
    },
  );
  assert.throws(() => parseServerConfig({ maxBodyBytes: 4096, maxInFlightBodyBytes: 2048 }), /maxInFlightBodyBytes: must be >= maxBodyBytes \(4096\) so that one largest request fits, but got 2048/);
  assert.equal(parseServerConfig({ drainTimeoutMs: 0 }).drainTimeoutMs, 0);
});

test('every configuration problem is reported with its path', () => {
  assert.throws(
    () => parseServerConfig({ httpPort: -1, defaults: { batching: { maxBatchSize: 0 }, bogus: 1 }, models: [{ name: '' }] }),
    (error: unknown) => {
      assert.ok(error instanceof ServelabError);
      assert.match(error.message, /httpPort/);
      assert.match(error.message, /defaults\.batching\.maxBatchSize/);
      assert.match(error.message, /bogus/);
      assert.match(error.message, /models\.0\.name/);
      return true;
    },
  );
});

test('model configuration layers: defaults <- server defaults <- model overrides, validated in full', () => {
  const resolved = resolveModelConfig({ instances: 2, batching: { enabled: true } }, { batching: { maxBatchSize: 4 }, ort: { intraOpThreads: 1 } });
  assert.equal(resolved.instances, 2);
  assert.equal(resolved.batching.enabled, true);
  assert.equal(resolved.batching.maxBatchSize, 4);
  assert.equal(resolved.ort.intraOpThreads, 1);
  assert.equal(resolved.ort.graphOptimizationLevel, 'all');
  assert.throws(() => resolveModelConfig({ batching: { maxBatchSize: 4, preferredBatchSizes: [2, 8] } }), /preferredBatchSizes\.1.*<= maxBatchSize \(4\)/s);
});

test('applyServerKnobs sets every dotted knob onto defaults and onto models that override it', () => {
  const base = parseServerConfig({ models: [{ name: 'a', config: { batching: { maxBatchSize: 2 } } }, { name: 'b' }] });
  const knobs = {
    instances: 3,
    'ort.intraOpThreads': 2,
    'ort.interOpThreads': 1,
    'ort.executionMode': 'parallel',
    'ort.graphOptimizationLevel': 'basic',
    'ort.enableCpuMemArena': false,
    'ort.enableMemPattern': false,
    'ort.allowSpinning': false,
    'batching.enabled': true,
    'batching.maxBatchSize': 16,
    'batching.maxQueueDelayUs': 500,
    'batching.preferredBatchSizes': '4,8',
    'batching.maxQueueSize': 10,
    'batching.variableLength': 'pad',
    'cache.enabled': true,
    'cache.capacityMb': 8,
    'admission.maxQueueDelayMs': 250,
  };
  assert.deepEqual(Object.keys(knobs).sort(), [...SERVER_KNOBS].sort());
  const applied = applyServerKnobs(base, knobs);
  const resolved = resolveModelConfig(applied.defaults, applied.models[0]!.config);
  assert.equal(resolved.instances, 3);
  assert.deepEqual(resolved.ort, { intraOpThreads: 2, interOpThreads: 1, executionMode: 'parallel', graphOptimizationLevel: 'basic', enableCpuMemArena: false, enableMemPattern: false, allowSpinning: false });
  assert.deepEqual(resolved.batching, { enabled: true, maxBatchSize: 16, maxQueueDelayUs: 500, preferredBatchSizes: [4, 8], maxQueueSize: 10, variableLength: 'pad' });
  assert.deepEqual(resolved.cache, { enabled: true, capacityMb: 8 });
  assert.deepEqual(resolved.admission, { maxQueueDelayMs: 250 });
  assert.equal(applied.models[0]!.config?.batching?.maxBatchSize, 16, 'the model override follows the knob');
  assert.equal(applied.models[1]!.config, undefined);
  assert.equal(base.defaults.instances, undefined, 'the input configuration is not mutated');
  assert.deepEqual(applyServerKnobs(base, { 'batching.preferredBatchSizes': 8 }).defaults.batching?.preferredBatchSizes, [8]);
});

test('applyServerKnobs rejects unknown knob names and ill-typed values clearly', () => {
  const base = parseServerConfig({});
  assert.throws(() => applyServerKnobs(base, { 'batching.maxBatchSise': 4, 'os.cpuCores': 2 }), /unknown server knobs 'batching\.maxBatchSise', 'os\.cpuCores'; expected one of: instances/);
  assert.throws(() => applyServerKnobs(base, { 'ort.executionMode': 'fast' }), /ort\.executionMode/);
  assert.throws(() => applyServerKnobs(base, { instances: 0 }), /instances/);
});

test("the knob catalog's server knobs are exactly the model configuration's settings", () => {
  const settings = Object.entries(DEFAULT_MODEL_CONFIG).flatMap(([head, value]) =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value).map((leaf) => `${head}.${leaf}`) : [head],
  );
  const catalogued = Object.entries(KNOB_CATALOG).filter(([, info]) => info.scope === 'server').map(([name]) => name);
  assert.deepEqual([...catalogued].sort(), settings.sort());
  assert.deepEqual([...SERVER_KNOBS].sort(), settings.sort());
});
