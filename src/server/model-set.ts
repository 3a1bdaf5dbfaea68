import { ServelabError } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import type { ServerMetrics } from './metrics.js';
import type { InferOutcome, ServedModel } from './served-model.js';

export const SERVER_NAME = 'servelab';
export const SERVER_VERSION = '0.1.0';
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

  /** Runs one inference, refusing new work once draining has begun. */
  async infer(name: string, inputs: readonly Tensor[], protocol: string): Promise<InferOutcome> {
    const model = this.get(name);
    if (!this.#accepting) throw new ServelabError('server is shutting down', 'unavailable');
    this.#inFlight++;
    try {
      return await model.infer(inputs, protocol);
    } finally {
      this.#inFlight--;
      if (this.#inFlight === 0) for (const wake of this.#drainWaiters.splice(0)) wake();
    }
  }

  /** Stops accepting and resolves once every in-flight inference has finished. */
  drain(): Promise<void> {
    this.#accepting = false;
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }
}
