import { availableParallelism } from 'node:os';
import type { Clock } from '../core/clock.js';
import { ServelabError, isServelabError } from '../core/errors.js';
import type { ModelMetadata, ServerTiming } from '../core/target.js';
import type { Tensor } from '../core/tensor.js';
import { assembleBatch, batchGroupKey, splitOutputs, type BatchMember } from './batch-assembly.js';
import { DynamicBatcher } from './batcher.js';
import { ResponseCache, cacheKey } from './cache.js';
import type { ModelConfig } from './config.js';
import { InstancePool } from './engine/instance-pool.js';
import type { ServerMetrics } from './metrics.js';
import { readSignature, specsOf, type ModelSignature } from './signature.js';
import { validateInputs } from './validate.js';

export interface InferOutcome {
  readonly outputs: readonly Tensor[];
  readonly timing: ServerTiming;
}

/** What the server really applied, beside what was requested (they differ where a knob could not take effect). */
export interface AppliedModelConfig {
  readonly config: ModelConfig;
  readonly notes: readonly string[];
}

interface Pending extends BatchMember {
  readonly groupKey: string;
  readonly resolve: (outcome: InferOutcome) => void;
  readonly reject: (error: unknown) => void;
}

/** One loaded model: its instances, batcher, cache and signature. */
export class ServedModel {
  readonly #pool: InstancePool;
  readonly #batcher: DynamicBatcher<Pending>;
  readonly #cache: ResponseCache | null;
  readonly #metrics: ServerMetrics;
  #inFlight = 0;

  private constructor(
    readonly name: string,
    readonly path: string,
    readonly requested: ModelConfig,
    readonly applied: AppliedModelConfig,
    readonly signature: ModelSignature,
    readonly loadMs: number,
    pool: InstancePool,
    metrics: ServerMetrics,
    clock: Clock,
  ) {
    this.#pool = pool;
    this.#metrics = metrics;
    const { batching } = applied.config;
    this.#batcher = new DynamicBatcher<Pending>({ ...batching, concurrency: applied.config.instances, prefetch: applied.config.instances }, clock, (batch, queuedMs, release) => this.#run(batch, queuedMs, release));
    this.#cache = applied.config.cache.enabled ? new ResponseCache(applied.config.cache.capacityMb * 1024 * 1024) : null;
    const labels = { model: name };
    metrics.inFlight.track(labels, () => this.#inFlight);
    metrics.queueDepth.track(labels, () => this.#batcher.queueDepth);
    metrics.cacheBytes.track(labels, () => this.#cache?.usedBytes ?? 0);
  }

  static async load(name: string, path: string, config: ModelConfig, metrics: ServerMetrics, clock: Clock): Promise<ServedModel> {
    const { pool, info } = await InstancePool.start(path, config.ort, config.instances);
    const signature = readSignature(info.inputs, info.outputs, config.batchAxes ?? {});
    const notes: string[] = [];
    let appliedConfig = config;
    if (config.batching.enabled && !signature.batchable) {
      appliedConfig = { ...config, batching: { ...config.batching, enabled: false } };
      notes.push(`batching turned off: ${signature.notBatchableReason}`);
    }
    if (config.ort.intraOpThreads === 0) notes.push(`ort.intraOpThreads 0: one thread per CPU the server may use (${availableParallelism()})`);
    if (config.ort.executionMode === 'sequential' && config.ort.interOpThreads > 0) notes.push('ort.interOpThreads only matters with executionMode parallel');
    return new ServedModel(name, path, config, { config: appliedConfig, notes }, signature, info.loadMs, pool, metrics, clock);
  }

  get batchingEnabled(): boolean {
    return this.applied.config.batching.enabled;
  }

  /** Sheds load before a request body is even read: a full queue answers 503 / RESOURCE_EXHAUSTED at once. */
  assertQueueHasRoom(protocol: string): void {
    const { maxQueueSize } = this.applied.config.batching;
    if (this.#batcher.queueDepth >= maxQueueSize) {
      this.#metrics.requests.inc({ model: this.name, protocol });
      this.#metrics.failures.inc({ model: this.name, reason: 'resource-exhausted' });
      throw new ServelabError(`queue full: ${maxQueueSize} requests already waiting (batching.maxQueueSize)`, 'resource-exhausted');
    }
  }

  metadata(): ModelMetadata {
    return { name: this.name, platform: 'onnxruntime_onnx', versions: ['1'], inputs: specsOf(this.signature.inputs), outputs: specsOf(this.signature.outputs) };
  }

  async infer(inputs: readonly Tensor[], protocol: string): Promise<InferOutcome> {
    const labels = { model: this.name };
    this.#metrics.requests.inc({ ...labels, protocol });
    this.#inFlight++;
    const startedMs = performance.now();
    try {
      const outcome = await this.#infer(inputs);
      this.#metrics.requestSeconds.observe(labels, (performance.now() - startedMs) / 1000);
      return outcome;
    } catch (error) {
      this.#metrics.failures.inc({ ...labels, reason: isServelabError(error) ? error.code : 'internal' });
      throw error;
    } finally {
      this.#inFlight--;
    }
  }

  /** Lets what is queued or running finish, then ends the instances. */
  async close(): Promise<void> {
    await this.#batcher.idle();
    await this.#pool.close();
  }

  async #infer(inputs: readonly Tensor[]): Promise<InferOutcome> {
    const { ordered, batchSize } = validateInputs(this.name, this.signature, inputs);
    const { batching } = this.applied.config;
    if (batching.enabled && batchSize > batching.maxBatchSize) {
      throw new ServelabError(`request batch size ${batchSize} exceeds batching.maxBatchSize ${batching.maxBatchSize} of model '${this.name}'`);
    }
    const key = this.#cache ? cacheKey(this.name, ordered) : null;
    if (this.#cache && key) {
      const cached = this.#cache.get(key);
      if (cached) {
        this.#metrics.cacheHits.inc({ model: this.name });
        return { outputs: cached, timing: { queueUs: 0, computeUs: 0, batchSize, cacheHit: true } };
      }
      this.#metrics.cacheMisses.inc({ model: this.name });
    }
    const groupKey = batching.enabled ? batchGroupKey(this.signature, ordered, batching.variableLength) : '';
    const outcome = await new Promise<InferOutcome>((resolve, reject) => {
      this.#batcher.submit({ inputs: ordered, batchSize, groupKey, resolve, reject });
    });
    if (this.#cache && key) this.#cache.set(key, outcome.outputs);
    return outcome;
  }

  async #run(batch: Pending[], queuedMs: number[], release: () => void): Promise<void> {
    const rows = batch.reduce((n, member) => n + member.batchSize, 0);
    const labels = { model: this.name };
    try {
      const feeds = assembleBatch(this.signature, batch);
      const running = this.#pool.run(feeds);
      this.#metrics.busyInstances.observe(labels, this.#pool.busyInstances);
      const { outputs, computeUs, waitUs } = await running;
      // The instance is free: start the next batch before splitting and answering this one.
      release();
      const perMember = splitOutputs(this.signature, outputs, batch);
      this.#metrics.batchSize.observe(labels, rows);
      this.#metrics.computeSeconds.observe(labels, computeUs / 1e6);
      batch.forEach((member, index) => {
        const queueUs = queuedMs[index]! * 1000 + waitUs;
        this.#metrics.queueSeconds.observe(labels, queueUs / 1e6);
        member.resolve({ outputs: perMember[index]!, timing: { queueUs, computeUs, batchSize: rows, cacheHit: false } });
      });
    } catch (error) {
      for (const member of batch) member.reject(error);
    }
  }
}
