/**
 * One keep-alive HTTP/1.1 connection over a raw socket. Requests are prebuilt buffers and the response
 * parser reads only what a load generator needs (status, headers, body by Content-Length or chunked), which
 * keeps the client's CPU cost per request far below node:http's.
 */
import { constants } from 'node:buffer';
import { connect, type Socket } from 'node:net';
import { ChunkedBodyDecoder } from './chunked-body.js';
import type { CancelToken } from './load-client.js';
import { RequestError } from './request-error.js';

export interface HttpResponse {
  readonly status: number;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

const HEAD_END = Buffer.from('\r\n\r\n');
/** Shared, so that finishing a response allocates no fresh empty buffer. */
const EMPTY = Buffer.alloc(0);
const MAX_LENGTH = constants.MAX_LENGTH;

interface Pending {
  resolve(response: HttpResponse): void;
  reject(error: Error): void;
  cancelToken: CancelToken | null;
  /** Whether any byte of the response arrived (a request on a stale keep-alive socket may be retried otherwise). */
  received: boolean;
}

export class HttpConnection {
  #socket: Socket;
  #pending: Pending | null = null;
  /** Head bytes received so far, while the head is incomplete. */
  #headBytes: Buffer = EMPTY;
  /** Body bytes received so far, as the slices they arrived in (Content-Length or close-delimited bodies). */
  readonly #bodyParts: Buffer[] = [];
  #bodyBytes = 0;
  #chunked: ChunkedBodyDecoder | null = null;
  #head: { status: number; headers: Record<string, string>; bodyLength: number | 'chunked' | 'close' } | null = null;
  #closed = false;
  /** Requests completed on this connection (0 = fresh). */
  used = 0;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => this.#fail(new RequestError('connection', `connection error: ${error.message}`, undefined, { cause: error })));
    socket.on('close', () => {
      if (this.#head?.bodyLength === 'close' && this.#pending) {
        this.#finish(this.#joinBody());
        return;
      }
      this.#fail(new RequestError('connection', 'connection closed by the server'));
    });
  }

  static open(host: string, port: number, timeoutMs: number): Promise<HttpConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new RequestError('connection', `connecting to ${host}:${port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new HttpConnection(socket));
      });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new RequestError('connection', `cannot connect to ${host}:${port}: ${error.code ?? error.message}`, undefined, { cause: error }));
      });
    });
  }

  get usable(): boolean {
    return !this.#closed && this.#pending === null;
  }

  /** Sends one prebuilt request and resolves with the whole response. */
  request(payload: Buffer, cancelToken?: CancelToken): Promise<HttpResponse> {
    if (!this.usable) return Promise.reject(new RequestError('connection', 'connection is closed or busy'));
    return new Promise<HttpResponse>((resolve, reject) => {
      this.#pending = { resolve, reject, received: false, cancelToken: cancelToken ?? null };
      if (cancelToken) {
        if (cancelToken.cancelled) {
          this.#cancel();
          return;
        }
        cancelToken.onCancel = this.#cancel;
      }
      this.#socket.write(payload);
    });
  }

  /** Bound once: a per-request closure costs measurable CPU at tens of thousands of requests per second. */
  readonly #cancel = (): void => this.#fail(new RequestError('aborted', 'request aborted'));

  /** Whether the last failure happened before any response byte arrived (safe to retry elsewhere). */
  lastFailureWasSilent = false;

  close(): void {
    this.#closed = true;
    this.#socket.destroy();
  }

  #fail(error: Error): void {
    this.#closed = true;
    this.#socket.destroy();
    const pending = this.#pending;
    this.#pending = null;
    if (pending) {
      if (pending.cancelToken) pending.cancelToken.onCancel = null;
      this.lastFailureWasSilent = !pending.received;
      pending.reject(error);
    }
  }

  #onData(chunk: Buffer): void {
    if (!this.#pending) {
      this.#fail(new RequestError('protocol', 'the server sent data that no request asked for'));
      return;
    }
    this.#pending.received = true;
    if (!this.#head) {
      // Only the head is joined as it arrives, and it is bounded (64 KiB); body bytes are kept as slices.
      this.#headBytes = this.#headBytes.length === 0 ? chunk : Buffer.concat([this.#headBytes, chunk]);
      const end = this.#headBytes.indexOf(HEAD_END);
      if (end < 0) {
        if (this.#headBytes.length > 65_536) this.#fail(new RequestError('protocol', 'response head larger than 64 KiB'));
        else if (this.#headBytes.length >= 5 && this.#headBytes.subarray(0, 5).toString('latin1') !== 'HTTP/') this.#notHttp(this.#headBytes);
        return;
      }
      const head = parseHead(this.#headBytes.subarray(0, end).toString('latin1'));
      if (!head) {
        this.#notHttp(this.#headBytes);
        return;
      }
      if (typeof head.bodyLength === 'number' && head.bodyLength > MAX_LENGTH) {
        this.#fail(new RequestError('protocol', `response body of ${head.bodyLength} bytes is larger than a buffer can hold (${MAX_LENGTH} bytes)`));
        return;
      }
      this.#head = head;
      this.#chunked = head.bodyLength === 'chunked' ? new ChunkedBodyDecoder() : null;
      chunk = this.#headBytes.subarray(end + 4);
      this.#headBytes = EMPTY;
    }
    const { bodyLength } = this.#head;
    if (this.#chunked) {
      const problem = this.#chunked.push(chunk);
      if (problem) this.#fail(new RequestError('protocol', problem));
      else if (this.#chunked.done) this.#finish(this.#chunked.body(), this.#chunked.extraBytes > 0);
      return;
    }
    if (chunk.length > 0) {
      this.#bodyParts.push(chunk);
      this.#bodyBytes += chunk.length;
    }
    if (typeof bodyLength === 'number' && this.#bodyBytes >= bodyLength) {
      this.#finish(this.#joinBody().subarray(0, bodyLength), this.#bodyBytes > bodyLength);
    }
  }

  /** The body slices joined in one copy (none when the body arrived in one piece). */
  #joinBody(): Buffer {
    const parts = this.#bodyParts;
    return parts.length === 0 ? EMPTY : parts.length === 1 ? parts[0]! : Buffer.concat(parts, this.#bodyBytes);
  }

  #notHttp(received: Buffer): void {
    this.#fail(new RequestError('protocol', `the server did not answer with HTTP/1.1 (it sent ${JSON.stringify(received.subarray(0, 24).toString('latin1'))})`));
  }

  #finish(body: Buffer, extraBytes = false): void {
    const head = this.#head!;
    const pending = this.#pending!;
    this.#head = null;
    this.#chunked = null;
    this.#bodyParts.length = 0;
    this.#bodyBytes = 0;
    this.#pending = null;
    this.used++;
    if (extraBytes || head.bodyLength === 'close' || head.headers.connection?.toLowerCase() === 'close') {
      this.#closed = true;
      this.#socket.destroy();
    }
    if (pending.cancelToken) pending.cancelToken.onCancel = null;
    pending.resolve({ status: head.status, headers: head.headers, body });
  }
}

function parseHead(text: string): { status: number; headers: Record<string, string>; bodyLength: number | 'chunked' | 'close' } | null {
  const lines = text.split('\r\n');
  const statusMatch = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!statusMatch) return null;
  const status = Number(statusMatch[1]);
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let bodyLength: number | 'chunked' | 'close';
  if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) bodyLength = 'chunked';
  else if (headers['content-length'] !== undefined) bodyLength = Number(headers['content-length']);
  else bodyLength = status === 204 || status === 304 || (status >= 100 && status < 200) ? 0 : 'close';
  if (typeof bodyLength === 'number' && !(bodyLength >= 0)) return null;
  return { status, headers, bodyLength };
}
