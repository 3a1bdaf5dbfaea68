/** An in-memory LoadClient on a VirtualClock: answers after a service time chosen per request. */
import type { VirtualClock } from '../../../src/core/clock.js';
import type { InferResult, ServerTiming } from '../../../src/core/target.js';
import type { Tensor } from '../../../src/core/tensor.js';
import type { CancelToken, LoadClient, PreparedRequest } from '../../../src/targets/load-client.js';
import { RequestError } from '../../../src/targets/request-error.js';

export interface FakeClient extends LoadClient {
  /** Virtual send times, in order. */
  readonly sends: number[];
}

/** serviceMs(sendMs) returns how long a request sent then takes, or null for "never answers unless cancelled". */
export function fakeClient(clock: VirtualClock, serviceMs: (sendMs: number) => number | null, timing?: ServerTiming): FakeClient {
  const sends: number[] = [];
  return {
    protocol: 'kserve-http',
    target: 'fake://target',
    sends,
    checkServer: async () => {},
    metadata: async (model) => ({ name: model, platform: 'fake', versions: ['1'], inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }], outputs: [] }),
    prepare: (model: string, inputs: readonly Tensor[]) => ({ model, inputs }) as PreparedRequest,
    async send(_prepared: PreparedRequest, cancelToken?: CancelToken): Promise<InferResult> {
      const sentMs = clock.nowMs();
      sends.push(sentMs);
      const duration = serviceMs(sentMs);
      await new Promise<void>((resolve, reject) => {
        if (cancelToken) cancelToken.onCancel = () => reject(new RequestError('aborted', 'cancelled'));
        if (duration !== null) void clock.sleepMs(duration).then(resolve);
      });
      return timing ? { outputs: [], serverTiming: timing } : { outputs: [] };
    },
    infer: async () => ({ outputs: [] }),
    close: async () => {},
  };
}

export function constantSamples(): { next(): Tensor[] } {
  return { next: () => [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: new Float32Array(4) }] };
}

/** Advances the clock in steps until the promise settles (letting real I/O turns run between steps). */
export async function drive<T>(clock: VirtualClock, promise: Promise<T>, options: { stepMs?: number; limitMs?: number } = {}): Promise<T> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  const stepMs = options.stepMs ?? 1;
  const limitMs = options.limitMs ?? 120_000;
  while (!settled && clock.nowMs() < limitMs) {
    await new Promise((resolve) => setImmediate(resolve));
    await clock.advanceMs(stepMs);
  }
  return promise;
}
