import { availableParallelism } from 'node:os';
import type { Clock } from '../core/clock.js';
import { ServelabError, isServelabError } from '../core/errors.js';
import type { ModelMetadata, ServerTiming } from '../core/target.js';
import type { Tensor } from '../core/tensor.js';
import { decideAdmission, ServiceTimeEstimate } from './admission.js';
import { assembleBatch, batchGroupKey, splitOutputs, type BatchMember } from './batch-assembly.js';
import { runSplittingOnFailure } from './batch-split.js';
import { DynamicBatcher, type QueueWait } from './batcher.js';
import { ResponseCache, cacheKey } from './cache.js';
import type { ModelConfig } from './config.js';
import { InstancePool } from './engine/instance-pool.js';
import { isInferenceRunError } from './engine/run-error.js';
import type { ServerMetrics } from './metrics.js';
import { observeStage } from './request-stages.js';
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

/**
 * Protocols whose request body costs less to read than a reconnect. Measured, 110 KB tensor, client and server
 * on one thread, per shed request: binary 0.9–1.0 ms read vs 1.2–1.5 ms refused unread; JSON (530 KB) 6.9–7.2 ms
 * read vs 1.1–1.3 ms refused unread.
 */
const BODY_CHEAPER_THAN_RECONNECT: ReadonlySet<string> = new Set(['kserve-http-binary']);

interface Pending extends BatchMember {
  readonly groupKey: string;
  readonly protocol: string;
  readonly resolve: (outcome: InferOutcome) => void;
  readonly reject: (error: unknown) => void;
}

/** One loaded model: its instances, batcher, cache and signature. */
export class ServedModel {
  readonly #pool: InstancePool;
  readonly #batcher: DynamicBatcher<Pending>;
  readonly #cache: ResponseCache | null;
  readonly #metrics: ServerMetrics;
  readonly #clock: Clock;
  readonly #serviceTime: ServiceTimeEstimate;
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
    /** Its instance threads run on the CPUs asked for at load. */
    readonly instancesPinned = false,
  ) {
    this.#pool = pool;
    this.#metrics = metrics;
    this.#clock = clock;
    this.#serviceTime = new ServiceTimeEstimate(clock);
    const { batching } = applied.config;
    this.#batcher = new DynamicBatcher<Pending>({ ...batching, concurrency: applied.config.instances, prefetch: applied.config.instances }, clock, (batch, waits, release) => this.#run(batch, waits, release));
    this.#cache = applied.config.cache.enabled ? new ResponseCache(applied.config.cache.capacityMb * 1024 * 1024) : null;
    const labels = { model: name };
    metrics.inFlight.track(labels, () => this.#inFlight);
    metrics.queueDepth.track(labels, () => this.#batcher.queueDepth);
    metrics.cacheBytes.track(labels, () => this.#cache?.usedBytes ?? 0);
    metrics.batchServiceSeconds.track(labels, () => (this.#serviceTime.meanMs ?? 0) / 1000);
  }

  /** `instanceCpus`: the CPUs its instance threads are pinned to (thread-placement.ts); all the server's when absent. */
  static async load(name: string, path: string, config: ModelConfig, metrics: ServerMetrics, clock: Clock, instanceCpus?: readonly number[]): Promise<ServedModel> {
    const { pool, info } = await InstancePool.start(path, config.ort, config.instances, instanceCpus);
    const signature = readSignature(info.inputs, info.outputs, config.batchAxes ?? {});
    const notes: string[] = [];
    let appliedConfig = config;
    if (config.batching.enabled && !signature.batchable) {
      appliedConfig = { ...config, batching: { ...config.batching, enabled: false } };
      notes.push(`batching turned off: ${signature.notBatchableReason}`);
    }
    if (config.ort.intraOpThreads === 0) notes.push(`ort.intraOpThreads 0: one thread per CPU the server may use (${availableParallelism()})`);
    if (config.ort.executionMode === 'sequential' && config.ort.interOpThreads > 0) notes.push('ort.interOpThreads only matters with executionMode parallel');
    if (instanceCpus && !info.pinned) notes.push('instance threads could not be pinned: they share every CPU with the I/O thread');
    return new ServedModel(name, path, config, { config: appliedConfig, notes }, signature, info.loadMs, pool, metrics, clock, info.pinned);
  }

  get batchingEnabled(): boolean {
    return this.applied.config.batching.enabled;
  }

  /**
   * Sheds load before a request body is even read: a full queue (batching.maxQueueSize) answers 503 /
   * RESOURCE_EXHAUSTED at once, and so does an expected wait over admission.maxQueueDelayMs (a one-row
   * request assumed) unless the body is binary. A request refused before its body is read costs the client
   * its connection: cheaper than parsing a JSON body, dearer than reading a binary one, so binary requests
   * meet the delay bound in infer(), once read, and keep their connection.
   */
  assertQueueHasRoom(protocol: string): void {
    try {
      if (BODY_CHEAPER_THAN_RECONNECT.has(protocol)) this.#assertQueueNotFull();
      else this.#assertAdmissible(1);
    } catch (error) {
      this.#metrics.requests.inc({ model: this.name, protocol });
      this.#metrics.failures.inc({ model: this.name, reason: 'resource-exhausted' });
      throw error;
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
      const outcome = await this.#infer(inputs, protocol);
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

  async #infer(inputs: readonly Tensor[], protocol: string): Promise<InferOutcome> {
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
    this.#assertAdmissible(batchSize);
    const groupKey = batching.enabled ? batchGroupKey(this.signature, ordered, batching.variableLength) : '';
    const outcome = await new Promise<InferOutcome>((resolve, reject) => {
      this.#batcher.submit({ inputs: ordered, batchSize, groupKey, protocol, resolve, reject });
    });
    if (this.#cache && key) this.#cache.set(key, outcome.outputs);
    return outcome;
  }

  /**
   * Two bounds, both answered with 'resource-exhausted' before any work is queued: the queue length
   * (batching.maxQueueSize, a hard cap on memory held by waiting requests) and the expected queueing delay
   * (admission.maxQueueDelayMs, which tracks what the instances can actually do in time).
   */
  #assertAdmissible(rows: number): void {
    this.#assertQueueNotFull();
    const { batching, admission, instances } = this.applied.config;
    const queuedRequests = this.#batcher.queueDepth;
    const ahead = { queuedRequests, queuedRows: this.#batcher.queuedRows, runningBatches: this.#batcher.running, arrivingRows: rows };
    const shape = { instances, rowsPerBatch: batching.enabled ? batching.maxBatchSize : null };
    const decision = decideAdmission(ahead, shape, this.#serviceTime.meanMs, admission.maxQueueDelayMs);
    if (decision.admit) return;
    this.#metrics.shed.inc({ model: this.name, reason: 'expected-delay' });
    throw new ServelabError(
      `model '${this.name}' is overloaded: expected queueing delay ${decision.expectedDelayMs.toFixed(1)} ms exceeds admission.maxQueueDelayMs ` +
        `${decision.maxQueueDelayMs} ms (${plural(queuedRequests, 'request')} queued, ${plural(ahead.runningBatches, 'batch', 'batches')} running, ` +
        `${decision.serviceMs.toFixed(2)} ms per batch on ${plural(instances, 'instance')}); retry later or raise admission.maxQueueDelayMs`,
      'resource-exhausted',
    );
  }

  #assertQueueNotFull(): void {
    const { maxQueueSize } = this.applied.config.batching;
    if (this.#batcher.queueDepth < maxQueueSize) return;
    this.#metrics.shed.inc({ model: this.name, reason: 'queue-full' });
    throw new ServelabError(`model '${this.name}' queue full: ${maxQueueSize} requests already waiting (batching.maxQueueSize)`, 'resource-exhausted');
  }

  /**
   * Runs a dispatched batch. When the runtime rejects it, the batch is split (batch-split.ts) so every request
   * gets its own answer: the requests at fault fail alone, the others are served.
   */
  async #run(batch: Pending[], waits: QueueWait[], release: () => void): Promise<void> {
    const labels = { model: this.name };
    const dispatchedMs = this.#clock.nowMs();
    const waitOf = new Map(batch.map((member, index) => [member, waits[index]!]));
    await runSplittingOnFailure(batch, {
      run: async (members) => {
        // Time spent on failed runs of a split batch counts as queueing for the requests rerun after it.
        const splitDelayMs = this.#clock.nowMs() - dispatchedMs;
        const feeds = assembleBatch(this.signature, members);
        const running = this.#pool.run(feeds);
        this.#metrics.busyInstances.observe(labels, this.#pool.busyInstances);
        const { outputs, computeUs, waitUs, serviceUs, handbackUs } = await running;
        this.#serviceTime.observe(serviceUs / 1000);
        // The instance is free: start the next batch before splitting and answering this one.
        if (members.length === batch.length) release();
        const perMember = splitOutputs(this.signature, outputs, members);
        const rows = members.reduce((n, member) => n + member.batchSize, 0);
        this.#metrics.batchSize.observe(labels, rows);
        this.#metrics.computeSeconds.observe(labels, computeUs / 1e6);
        members.forEach((member, index) => {
          const wait = waitOf.get(member)!;
          const waitedUs = (wait.queuedMs + splitDelayMs) * 1000;
          const queueUs = waitedUs + waitUs;
          this.#metrics.queueSeconds.observe(labels, queueUs / 1e6);
          observeStage(this.#metrics, this.name, member.protocol, 'queue', waitedUs);
          observeStage(this.#metrics, this.name, member.protocol, 'handoff', waitUs);
          observeStage(this.#metrics, this.name, member.protocol, 'run', computeUs);
          observeStage(this.#metrics, this.name, member.protocol, 'handback', handbackUs);
          member.resolve({ outputs: perMember[index]!, timing: { queueUs, batchingUs: wait.batchingMs * 1000, computeUs, batchSize: rows, cacheHit: false } });
        });
      },
      splittable: isInferenceRunError,
      fail: (member, error) => member.reject(error),
      onSplit: () => this.#metrics.batchSplits.inc(labels),
    });
  }
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
