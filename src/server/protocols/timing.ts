import { SERVER_TIMING_HEADERS, SERVER_TIMING_PARAMETERS, type ServerTiming } from '../../core/target.js';

/** Server timing as response headers (every HTTP protocol). */
export function timingHeaders(timing: ServerTiming): Record<string, string> {
  const headers: Record<string, string> = {
    [SERVER_TIMING_HEADERS.queueUs]: timing.queueUs.toFixed(1),
    [SERVER_TIMING_HEADERS.computeUs]: timing.computeUs.toFixed(1),
    [SERVER_TIMING_HEADERS.batchSize]: String(timing.batchSize),
    [SERVER_TIMING_HEADERS.cacheHit]: timing.cacheHit ? 'hit' : 'miss',
  };
  if (timing.batchingUs !== undefined) headers[SERVER_TIMING_HEADERS.batchingUs] = timing.batchingUs.toFixed(1);
  if (timing.serializeUs !== undefined) headers[SERVER_TIMING_HEADERS.serializeUs] = timing.serializeUs.toFixed(1);
  return headers;
}

/** Server timing as KServe v2 response parameters (HTTP JSON and gRPC). */
export function timingParameters(timing: ServerTiming): Record<string, number | boolean> {
  const parameters: Record<string, number | boolean> = {
    [SERVER_TIMING_PARAMETERS.queueUs]: Math.round(timing.queueUs),
    [SERVER_TIMING_PARAMETERS.computeUs]: Math.round(timing.computeUs),
    [SERVER_TIMING_PARAMETERS.batchSize]: timing.batchSize,
    [SERVER_TIMING_PARAMETERS.cacheHit]: timing.cacheHit,
  };
  if (timing.batchingUs !== undefined) parameters[SERVER_TIMING_PARAMETERS.batchingUs] = Math.round(timing.batchingUs);
  if (timing.serializeUs !== undefined) parameters[SERVER_TIMING_PARAMETERS.serializeUs] = Math.round(timing.serializeUs);
  return parameters;
}
