/**
 * A pool of keep-alive connections to one host:port. No pipelining: each in-flight request holds its own
 * connection, opened on demand up to a cap; beyond the cap requests wait for a free connection.
 */
import { HttpConnection, type HttpResponse } from './http-connection.js';
import type { CancelToken } from './load-client.js';
import { RequestError } from './request-error.js';

export interface HttpPoolOptions {
  readonly maxConnections?: number;
  readonly connectTimeoutMs?: number;
}

export class HttpPool {
  readonly #idle: HttpConnection[] = [];
  readonly #waiters: { resolve(connection: HttpConnection): void; reject(error: Error): void }[] = [];
  readonly #maxConnections: number;
  readonly #connectTimeoutMs: number;
  #open = 0;
  #closed = false;

  constructor(
    readonly host: string,
    readonly port: number,
    options: HttpPoolOptions = {},
  ) {
    this.#maxConnections = options.maxConnections ?? 4096;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  }

  /** Sends a prebuilt request; a request that failed silently on a reused keep-alive connection is retried once. */
  async request(payload: Buffer, cancelToken?: CancelToken): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      // An idle connection is taken synchronously: one promise less per request on the hot path.
      const connection = this.#takeIdle() ?? (await this.#acquire(cancelToken));
      const reused = connection.used > 0;
      try {
        const response = await connection.request(payload, cancelToken);
        this.#release(connection);
        return response;
      } catch (error) {
        this.#release(connection);
        const retry = attempt === 0 && reused && connection.lastFailureWasSilent && !(error instanceof RequestError && error.kind === 'aborted');
        if (!retry) throw error;
      }
    }
  }

  close(): void {
    this.#closed = true;
    for (const connection of this.#idle.splice(0)) connection.close();
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new RequestError('connection', 'client closed'));
  }

  #takeIdle(): HttpConnection | undefined {
    if (this.#closed) return undefined;
    while (this.#idle.length > 0) {
      const connection = this.#idle.pop()!;
      if (connection.usable) return connection;
      this.#open--;
    }
    return undefined;
  }

  async #acquire(cancelToken?: CancelToken): Promise<HttpConnection> {
    if (this.#closed) throw new RequestError('connection', 'client closed');
    const idle = this.#takeIdle();
    if (idle) return idle;
    if (this.#open < this.#maxConnections) {
      this.#open++;
      try {
        return await HttpConnection.open(this.host, this.port, this.#connectTimeoutMs);
      } catch (error) {
        this.#open--;
        throw error;
      }
    }
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      this.#waiters.push(waiter);
      if (cancelToken) {
        cancelToken.onCancel = () => {
          const index = this.#waiters.indexOf(waiter);
          if (index >= 0) this.#waiters.splice(index, 1);
          reject(new RequestError('aborted', 'request aborted while waiting for a connection'));
        };
      }
    });
  }

  #release(connection: HttpConnection): void {
    if (!connection.usable || this.#closed) {
      this.#open--;
      connection.close();
      // A slot freed: a waiter may open a fresh connection.
      const waiter = this.#waiters.shift();
      if (waiter) {
        this.#open++;
        HttpConnection.open(this.host, this.port, this.#connectTimeoutMs).then(waiter.resolve, (error: Error) => {
          this.#open--;
          waiter.reject(error);
        });
      }
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) waiter.resolve(connection);
    else this.#idle.push(connection);
  }
}
