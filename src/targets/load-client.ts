/**
 * The client interface the load generator drives: an InferenceClient that can also prepare a request ahead
 * of its send time (encoding off the hot path) and check, before any load, that the server speaks its protocol.
 */
import type { InferResult, InferenceClient } from '../core/target.js';
import type { Tensor, TensorSpec } from '../core/tensor.js';
import { checkOutputs } from './response-check.js';

/** How long a pre-flight request (server check, metadata) may take unless the caller says otherwise. */
export const DEFAULT_PREFLIGHT_TIMEOUT_MS = 10_000;

/**
 * Cancels one request. A plain object rather than an AbortSignal: at tens of thousands of requests per
 * second an AbortController per request costs the generator measurable CPU. The load generator sets
 * `cancelled` and calls `onCancel` when a request passes its deadline; clients set `onCancel` while sending.
 */
export interface CancelToken {
  cancelled: boolean;
  onCancel: (() => void) | null;
}

export function createCancelToken(): CancelToken {
  return { cancelled: false, onCancel: null };
}

export function cancel(token: CancelToken): void {
  token.cancelled = true;
  token.onCancel?.();
}

/** An encoded request, opaque to everyone but the client that prepared it. */
export interface PreparedRequest {
  readonly model: string;
  /** Encoded size, which bounds a pool of prepared requests (absent: the size of the input tensors counts). */
  readonly byteLength?: number;
}

/** A token cancelled when the signal aborts, so infer(…, { signal }) can go through send(). */
export function tokenFromSignal(signal: AbortSignal | undefined): CancelToken | undefined {
  if (!signal) return undefined;
  const token = createCancelToken();
  if (signal.aborted) token.cancelled = true;
  else signal.addEventListener('abort', () => cancel(token), { once: true });
  return token;
}

export interface LoadClient extends InferenceClient {
  /** The target as shown in messages, e.g. http://127.0.0.1:8500. */
  readonly target: string;
  /** Throws a one-line ServelabError when the target is unreachable or does not speak this protocol. */
  checkServer(): Promise<void>;
  prepare(model: string, inputs: readonly Tensor[]): PreparedRequest;
  send(prepared: PreparedRequest, cancelToken?: CancelToken): Promise<InferResult>;
}

/**
 * Wraps any InferenceClient (e.g. an in-process one) so the load generator can drive it. Its results are
 * checked against the model's declared outputs as every protocol client's are.
 */
export function asLoadClient(client: InferenceClient, target = `${client.protocol} client`): LoadClient {
  if (isLoadClient(client)) return client;
  interface Wrapped extends PreparedRequest {
    readonly inputs: readonly Tensor[];
  }
  const outputSpecs = new Map<string, readonly TensorSpec[]>();
  const checked = (model: string) => (result: InferResult): InferResult => {
    checkOutputs(
      result.outputs.map((output) => ({ name: output.name, datatype: output.datatype, shape: output.shape, valueCount: output.data.length })),
      outputSpecs.get(model),
    );
    return result;
  };
  return {
    protocol: client.protocol,
    target,
    checkServer: async () => {},
    metadata: async (model) => {
      const metadata = await client.metadata(model);
      outputSpecs.set(model, metadata.outputs);
      return metadata;
    },
    infer: (model, inputs, options) => client.infer(model, inputs, options),
    close: () => client.close(),
    prepare: (model, inputs): Wrapped => ({ model, inputs }),
    send: (prepared, cancelToken) => {
      const { model, inputs } = prepared as Wrapped;
      if (!cancelToken) return client.infer(model, inputs).then(checked(model));
      const controller = new AbortController();
      cancelToken.onCancel = () => controller.abort();
      if (cancelToken.cancelled) controller.abort();
      return client.infer(model, inputs, { signal: controller.signal }).then(checked(model));
    },
  };
}

export function isLoadClient(client: InferenceClient): client is LoadClient {
  const candidate = client as Partial<LoadClient>;
  return typeof candidate.prepare === 'function' && typeof candidate.send === 'function' && typeof candidate.checkServer === 'function';
}
