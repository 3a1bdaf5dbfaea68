import type { ServerMetrics } from './metrics.js';

/**
 * Where a request's server time goes, stage by stage, in the order a request passes them:
 * read (body off the socket), parse (header and tensors decoded, limits checked), queue (waiting for a batch),
 * handoff (posted to the instance thread until its run starts), run (session.run), handback (run end until the
 * I/O thread has the outputs), encode (response body built), write (handed to the socket).
 */
export const REQUEST_STAGES = ['read', 'parse', 'queue', 'handoff', 'run', 'handback', 'encode', 'write'] as const;
export type RequestStage = (typeof REQUEST_STAGES)[number];

/** Records one stage of one request in servelab_request_stage_seconds. */
export function observeStage(metrics: ServerMetrics, model: string, protocol: string, stage: RequestStage, durationUs: number): void {
  if (!Number.isFinite(durationUs)) return;
  metrics.stageSeconds.observe({ model, protocol, stage }, Math.max(0, durationUs) / 1e6);
}

/** Microseconds since a performance.now() reading. */
export function microsecondsSince(startedMs: number): number {
  return (performance.now() - startedMs) * 1000;
}
