/** Reads the per-request timing the embedded server reports, from HTTP headers or KServe v2 response parameters. */
import { SERVER_TIMING_HEADERS, SERVER_TIMING_PARAMETERS, type ServerTiming } from '../core/target.js';

export function timingFromHeaders(headers: Readonly<Record<string, string>>): ServerTiming | undefined {
  const queue = headers[SERVER_TIMING_HEADERS.queueUs];
  const compute = headers[SERVER_TIMING_HEADERS.computeUs];
  if (queue === undefined || compute === undefined) return undefined;
  const serialize = headers[SERVER_TIMING_HEADERS.serializeUs];
  const batching = headers[SERVER_TIMING_HEADERS.batchingUs];
  return {
    queueUs: Number(queue),
    ...(batching === undefined ? {} : { batchingUs: Number(batching) }),
    computeUs: Number(compute),
    batchSize: Number(headers[SERVER_TIMING_HEADERS.batchSize] ?? 1),
    cacheHit: headers[SERVER_TIMING_HEADERS.cacheHit] === 'hit',
    ...(serialize === undefined ? {} : { serializeUs: Number(serialize) }),
  };
}

/** From plain values, as JSON parameters carry them or as gRPC InferParameter values unwrap to. */
export function timingFromParameters(parameters: Readonly<Record<string, unknown>> | undefined): ServerTiming | undefined {
  if (!parameters) return undefined;
  const queue = parameters[SERVER_TIMING_PARAMETERS.queueUs];
  const compute = parameters[SERVER_TIMING_PARAMETERS.computeUs];
  if (queue === undefined || compute === undefined) return undefined;
  const serialize = parameters[SERVER_TIMING_PARAMETERS.serializeUs];
  const batching = parameters[SERVER_TIMING_PARAMETERS.batchingUs];
  return {
    queueUs: Number(queue),
    ...(batching === undefined ? {} : { batchingUs: Number(batching) }),
    computeUs: Number(compute),
    batchSize: Number(parameters[SERVER_TIMING_PARAMETERS.batchSize] ?? 1),
    cacheHit: parameters[SERVER_TIMING_PARAMETERS.cacheHit] === true,
    ...(serialize === undefined ? {} : { serializeUs: Number(serialize) }),
  };
}
