import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServelabError, errorMessage, isServelabError } from '../../../core/errors.js';
import type { ModelSet } from '../../model-set.js';
import type { RequestLimits } from '../request-limits.js';
import { statusOf } from './http-error.js';
import { routeRequest, type HttpReply } from './routes.js';

export { HttpError } from './http-error.js';


function send(response: ServerResponse, reply: HttpReply): void {
  if (response.destroyed) return;
  const startedMs = performance.now();
  const parts = typeof reply.body === 'string' ? [Buffer.from(reply.body)] : Buffer.isBuffer(reply.body) ? [reply.body] : reply.body;
  let byteLength = 0;
  for (const part of parts) byteLength += part.byteLength;
  response.writeHead(reply.status ?? 200, {
    'content-type': reply.contentType ?? 'application/json',
    'content-length': String(byteLength),
    ...reply.headers,
  });
  if (reply.onWritten) {
    const onWritten = reply.onWritten;
    response.once('finish', () => onWritten((performance.now() - startedMs) * 1000));
  }
  if (parts.length === 1) {
    response.end(parts[0]);
    return;
  }
  // Corked, the head and every part leave in one write (binary outputs stay views of their tensors: no concatenation).
  response.cork();
  for (let index = 0; index < parts.length - 1; index++) response.write(parts[index]!);
  response.end(parts[parts.length - 1]);
  response.uncork();
}

export interface RunningHttpServer {
  readonly server: Server;
  readonly port: number;
  /** Stops listening; resolves once every connection has closed. */
  close(): Promise<void>;
  /** Destroys every open connection, mid-request or idle (the drain deadline). */
  destroyConnections(): void;
}

/** Serves KServe v2 HTTP, TF Serving REST and /metrics on node:http (chosen by measurement, see BENCHMARKS.md). */
export async function startHttpServer(models: ModelSet, host: string, port: number, limits: RequestLimits): Promise<RunningHttpServer> {
  const server = createServer({ keepAliveTimeout: 65_000 }, (request, response) => {
    routeRequest(request, models, limits).then(
      (reply) => send(response, reply),
      (error: unknown) => {
        const status = statusOf(error);
        if (status === 500 && !isServelabError(error)) console.error(`servelab: ${request.method} ${request.url}: ${errorMessage(error)}`);
        // A body refused before its end (too large, over the budget) is not drained: close the connection instead.
        if (!request.complete) response.setHeader('connection', 'close');
        send(response, { status, body: JSON.stringify({ error: errorMessage(error) }) });
      },
    );
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new ServelabError(`cannot listen on ${host}:${port}: ${errorMessage(error)}`, 'unavailable')));
    server.listen(port, host, resolve);
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
    destroyConnections: () => server.closeAllConnections(),
  };
}
