/** Clients for every protocol servelab speaks, behind one factory. */
import { ServelabError } from '../core/errors.js';
import { PROTOCOLS, type Protocol } from '../core/target.js';
import { createKserveGrpcClient } from './kserve-grpc-client.js';
import { createKserveHttpClient } from './kserve-http-client.js';
import type { LoadClient } from './load-client.js';
import { parseTarget } from './target-url.js';
import { createTfServingHttpClient } from './tfserving-http-client.js';

export { asLoadClient, isLoadClient, type LoadClient, type PreparedRequest } from './load-client.js';
export { RequestError, errorKindOf } from './request-error.js';
export { BAD_RESPONSE } from './response-check.js';
export { isLoopbackHost, parseTarget, type TargetAddress } from './target-url.js';

export interface ClientOptions {
  /** Allow a non-loopback target host (off by default: load goes to this machine only). */
  readonly allowRemote?: boolean;
  /** HTTP protocols: most connections held open at once. */
  readonly maxConnections?: number;
  /** Limit on each pre-flight request (server check, metadata); default 10 s. */
  readonly preflightTimeoutMs?: number;
}

export function isProtocol(value: unknown): value is Protocol {
  return typeof value === 'string' && (PROTOCOLS as readonly string[]).includes(value);
}

/** A client for the protocol at the target address; throws a one-line error for a bad address or protocol. */
export function createClient(protocol: string, target: string, options: ClientOptions = {}): LoadClient {
  if (!isProtocol(protocol)) throw new ServelabError(`unknown protocol '${protocol}'; expected one of ${PROTOCOLS.join(', ')}`);
  const address = parseTarget(target, protocol, options.allowRemote ?? false);
  const preflight = options.preflightTimeoutMs === undefined ? {} : { preflightTimeoutMs: options.preflightTimeoutMs };
  const http = { ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }), ...preflight };
  switch (protocol) {
    case 'kserve-http':
      return createKserveHttpClient(address, { binary: false, ...http });
    case 'kserve-http-binary':
      return createKserveHttpClient(address, { binary: true, ...http });
    case 'tfserving-http':
      return createTfServingHttpClient(address, http);
    case 'kserve-grpc':
      return createKserveGrpcClient(address, preflight);
  }
}
