import { ServelabError } from '../../core/errors.js';
import type { Tensor, TensorData } from '../../core/tensor.js';
import { BodyBudget } from '../body-budget.js';
import type { ServerConfig } from '../config.js';
import type { ServedModel } from '../served-model.js';

/** Server-wide limits every protocol front end applies to a request before it reaches a model. */
export interface RequestLimits {
  readonly maxBodyBytes: number;
  /** Shared by HTTP and gRPC: request bodies held at once. */
  readonly bodyBudget: BodyBudget;
  readonly maxRequestBatchSize: number;
  readonly maxRequestTensorBytes: number;
}

export function requestLimitsOf(config: ServerConfig): RequestLimits {
  return {
    maxBodyBytes: config.maxBodyBytes,
    bodyBudget: new BodyBudget(config.maxInFlightBodyBytes),
    maxRequestBatchSize: config.maxRequestBatchSize,
    maxRequestTensorBytes: config.maxRequestTensorBytes,
  };
}

function dataBytes(data: TensorData): number {
  if (!Array.isArray(data)) return data.byteLength;
  let bytes = 0;
  for (const value of data) bytes += value.length;
  return bytes;
}

/**
 * Caps what one request may make a model compute, batching on or off: its rows along each input's batch
 * axis (the first axis where the model names none) and the total bytes of its decoded input tensors. One
 * oversized request would otherwise grow the inference arena for the rest of the process's life.
 */
export function assertRequestWithinLimits(model: ServedModel, inputs: readonly Tensor[], limits: RequestLimits): void {
  let totalBytes = 0;
  for (const tensor of inputs) {
    const spec = model.signature.inputs.find((candidate) => candidate.name === tensor.name);
    const axis = spec?.batchAxis === 'shared' ? null : typeof spec?.batchAxis === 'number' ? spec.batchAxis : 0;
    const rows = axis === null ? undefined : tensor.shape[axis];
    if (rows !== undefined && rows > limits.maxRequestBatchSize) {
      throw new ServelabError(
        `request batch size ${rows} (input '${tensor.name}', axis ${axis}) exceeds the server's limit of ${limits.maxRequestBatchSize} rows per request (maxRequestBatchSize); split the request`,
      );
    }
    totalBytes += dataBytes(tensor.data);
  }
  if (totalBytes > limits.maxRequestTensorBytes) {
    throw new ServelabError(
      `request input tensors take ${totalBytes} bytes, over the server's limit of ${limits.maxRequestTensorBytes} bytes per request (maxRequestTensorBytes); split the request`,
    );
  }
}
