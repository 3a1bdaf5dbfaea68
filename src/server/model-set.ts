import { SERVELAB_VERSION } from '../core/version.js';
import { ServelabError } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import type { ServerMetrics } from './metrics.js';
import type { InferOutcome, ServedModel } from './served-model.js';

export const SERVER_NAME = 'servelab';
export const SERVER_VERSION = SERVELAB_VERSION;
export const SERVER_EXTENSIONS = ['binary_tensor_data'] as const;

/** The loaded models as the protocol front ends see them, plus the drain switch used at shutdown. */
export class ModelSet {
  #accepting = true;
  #inFlight = 0;
  #drainWaiters: (() => void)[] = [];

  constructor(
    readonly models: ReadonlyMap<string, ServedModel>,
    readonly metrics: ServerMetrics,
  ) {}

  get names(): string[] {
    return [...this.models.keys()];
  }

  get ready(): boolean {
    return this.#accepting;
  }

  get(name: string): ServedModel {
    const model = this.models.get(name);
    if (!model) throw new ServelabError(`unknown model '${name}'; this server serves: ${this.names.join(', ')}`, 'not-found');
    return model;
  }

  /**
   * Registers an inference request from the moment it arrives (before its body is read), so a drain waits
   * for it; refuses with 'unavailable' once draining has begun. Call the returned function when it is answered.
   */
  admit(): () => void {
    if (!this.#accepting) throw new ServelabError('server is shutting down', 'unavailable');
    this.#inFlight++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#inFlight--;
      if (this.#inFlight === 0) for (const wake of this.#drainWaiters.splice(0)) wake();
    };
  }

  /** Runs one inference of an admitted request. */
  infer(name: string, inputs: readonly Tensor[], protocol: string): Promise<InferOutcome> {
    return this.get(name).infer(inputs, protocol);
  }

  /** Stops admitting and resolves once every admitted request has been answered. */
  drain(): Promise<void> {
    this.#accepting = false;
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }
}
