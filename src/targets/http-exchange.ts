/** Building HTTP/1.1 requests as buffers, and the pre-flight GETs whose failures become one-line errors. */
import { ServelabError } from '../core/errors.js';
import type { HttpResponse } from './http-connection.js';
import type { HttpPool } from './http-pool.js';
import { DEFAULT_PREFLIGHT_TIMEOUT_MS, tokenFromSignal } from './load-client.js';
import { RequestError } from './request-error.js';

export function buildRequest(method: 'GET' | 'POST', path: string, host: string, headers: Record<string, string | number>, body?: Buffer): Buffer {
  let head = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  if (body) head += `content-length: ${body.length}\r\n`;
  head += '\r\n';
  return body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1');
}

/** A pre-flight GET: connection and protocol failures become ServelabErrors that say what to check. */
export async function preflightGet(pool: HttpPool, path: string, target: string, protocolName: string, timeoutMs = DEFAULT_PREFLIGHT_TIMEOUT_MS): Promise<HttpResponse> {
  const request = buildRequest('GET', path, `${pool.host}:${pool.port}`, { accept: 'application/json' });
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    return await pool.request(request, tokenFromSignal(timeout));
  } catch (error) {
    if (error instanceof RequestError && error.kind === 'protocol') {
      throw new ServelabError(`target ${target} does not speak ${protocolName}: ${error.message} (is --protocol right?)`, 'unsupported');
    }
    if (error instanceof RequestError && error.kind === 'aborted') {
      throw new ServelabError(`target ${target} did not answer GET ${path} within ${timeoutMs} ms`, 'unavailable');
    }
    const detail = error instanceof Error ? error.message : String(error);
    throw new ServelabError(`target ${target} is unreachable: ${detail} (is the server running?)`, 'unavailable');
  }
}

/** The body as JSON, or undefined when it is not JSON. */
export function jsonBody(response: HttpResponse): unknown {
  try {
    return JSON.parse(response.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** A server's error text for messages: its JSON "error" field, else the start of the body. */
export function errorText(response: HttpResponse): string {
  const json = jsonBody(response) as { error?: unknown } | undefined;
  if (json && typeof json.error === 'string') return json.error;
  return response.body.subarray(0, 200).toString('utf8').trim() || '(empty body)';
}
