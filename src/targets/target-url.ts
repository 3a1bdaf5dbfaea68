/** Parses a target address and keeps load on loopback unless remote targets are allowed explicitly. */
import { isIP } from 'node:net';
import { ServelabError } from '../core/errors.js';
import type { Protocol } from '../core/target.js';

export interface TargetAddress {
  readonly host: string;
  readonly port: number;
  /** As printed in messages, e.g. http://127.0.0.1:8500 or grpc://127.0.0.1:8501. */
  readonly display: string;
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/**
 * http://host:port for the HTTP protocols; host:port, grpc://host:port or http://host:port for gRPC.
 * Throws a one-line error for anything else, and for non-loopback hosts unless allowRemote.
 */
export function parseTarget(text: string, protocol: Protocol, allowRemote = false): TargetAddress {
  const grpc = protocol === 'kserve-grpc';
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : grpc ? `grpc://${text}` : text;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ServelabError(`target '${text}' is not a valid address; expected ${grpc ? 'host:port' : 'http://host:port'}`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  const allowed = grpc ? ['grpc', 'http'] : ['http'];
  if (!allowed.includes(scheme)) {
    throw new ServelabError(`target '${text}' uses ${scheme}://, but protocol ${protocol} needs ${allowed.map((s) => `${s}://`).join(' or ')}`, 'unsupported');
  }
  if (url.port === '') throw new ServelabError(`target '${text}' has no port; expected ${grpc ? 'host:port' : 'http://host:port'}`);
  if (url.pathname !== '/' && url.pathname !== '') throw new ServelabError(`target '${text}' must not have a path (got '${url.pathname}')`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowRemote && !isLoopbackHost(host)) {
    throw new ServelabError(`target host '${host}' is not loopback; load is sent to 127.0.0.1/::1/localhost only unless remote targets are allowed (--allow-remote)`);
  }
  const port = Number(url.port);
  return { host, port, display: `${grpc ? 'grpc' : 'http'}://${url.host}` };
}
