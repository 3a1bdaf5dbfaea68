/**
 * Server-sent events to every open page: each update is pushed once to each client; a comment line every
 * HEARTBEAT_MS keeps proxies and the browser from closing an idle stream. A client that goes away is dropped.
 */
import type { ServerResponse } from 'node:http';

export const HEARTBEAT_MS = 15_000;
/** The browser reconnects after this long when the stream breaks. */
const RETRY_MS = 2_000;

export class EventHub {
  readonly #clients = new Set<ServerResponse>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor() {
    this.#heartbeat = setInterval(() => this.#write(': heartbeat\n\n'), HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  get clients(): number {
    return this.#clients.size;
  }

  /** Takes over a response as an event stream; `initial` events go to this client only. */
  add(response: ServerResponse, initial: readonly { event: string; data: string }[]): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write(`retry: ${RETRY_MS}\n\n`);
    for (const { event, data } of initial) response.write(formatEvent(event, data));
    this.#clients.add(response);
    response.on('close', () => this.#clients.delete(response));
  }

  send(event: string, data: string): void {
    this.#write(formatEvent(event, data));
  }

  close(): void {
    clearInterval(this.#heartbeat);
    for (const client of this.#clients) client.end();
    this.#clients.clear();
  }

  #write(text: string): void {
    for (const client of this.#clients) client.write(text);
  }
}

/** One event; data spanning lines becomes one `data:` line each, as the format requires. */
export function formatEvent(event: string, data: string): string {
  return `event: ${event}\n${data.split('\n').map((line) => `data: ${line}`).join('\n')}\n\n`;
}
