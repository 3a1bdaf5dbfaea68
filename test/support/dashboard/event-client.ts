/** A minimal server-sent events client for tests: reads the stream and waits for an event that matches. */
export interface ReceivedEvent {
  readonly event: string;
  readonly data: string;
}

export interface EventClient {
  readonly received: ReceivedEvent[];
  /** The first event (received so far or later) of that name whose data satisfies the predicate. */
  waitFor(event: string, predicate?: (data: unknown) => boolean, timeoutMs?: number): Promise<unknown>;
  close(): void;
}

export async function connectEvents(url: string): Promise<EventClient> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  if (!response.ok || !response.body) throw new Error(`event stream ${url}: HTTP ${response.status}`);
  const received: ReceivedEvent[] = [];
  const waiters = new Set<() => void>();
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          const event = lines.find((line) => line.startsWith('event: '))?.slice(7);
          const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
          if (event) received.push({ event, data });
          for (const wake of waiters) wake();
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    received,
    waitFor(event, predicate = () => true, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        let seen = 0;
        const check = (): void => {
          for (; seen < received.length; seen++) {
            const entry = received[seen]!;
            if (entry.event !== event) continue;
            const data = JSON.parse(entry.data) as unknown;
            if (predicate(data)) {
              clearTimeout(timer);
              waiters.delete(check);
              resolve(data);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no '${event}' event as expected within ${timeoutMs} ms; received: ${received.map((entry) => entry.event).join(', ')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => controller.abort(),
  };
}
