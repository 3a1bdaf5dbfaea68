import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServelabError, errorMessage, isServelabError, type ServelabErrorCode } from '../../../core/errors.js';
import type { ModelSet } from '../../model-set.js';
import { routeRequest } from './routes.js';

/** An HTTP error with its status; ServelabError codes map onto statuses in statusOf. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const STATUS_BY_CODE: Record<ServelabErrorCode, number> = {
  'invalid-input': 400,
  'not-found': 404,
  unavailable: 503,
  unsupported: 400,
  'resource-exhausted': 503,
  internal: 500,
};

function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  if (isServelabError(error)) return STATUS_BY_CODE[error.code];
  return 500;
}

export interface HttpReply {
  readonly status?: number;
  readonly body: string | Buffer;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

/** Reads a request body up to maxBytes; over the limit is a 413 (checked on Content-Length first). */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${maxBytes} bytes (maxBodyBytes)`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        request.removeAllListeners('data');
        request.resume();
        reject(new HttpError(413, `request body exceeds the limit of ${maxBytes} bytes (maxBodyBytes)`));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received)));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, reply: HttpReply): void {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
  response.writeHead(reply.status ?? 200, {
    'content-type': reply.contentType ?? 'application/json',
    'content-length': String(body.length),
    ...reply.headers,
  });
  response.end(body);
}

export interface RunningHttpServer {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves KServe v2 HTTP, TF Serving REST and /metrics on node:http (chosen by measurement, see BENCHMARKS.md). */
export async function startHttpServer(models: ModelSet, host: string, port: number, maxBodyBytes: number): Promise<RunningHttpServer> {
  const server = createServer({ keepAliveTimeout: 65_000 }, (request, response) => {
    routeRequest(request, models, maxBodyBytes).then(
      (reply) => send(response, reply),
      (error: unknown) => {
        const status = statusOf(error);
        if (status === 500 && !isServelabError(error)) console.error(`servelab: ${request.method} ${request.url}: ${errorMessage(error)}`);
        // An oversized body is not read to its end: close the connection rather than drain it.
        if (status === 413) response.setHeader('connection', 'close');
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
  };
}
