import type { TestContext } from 'node:test';
import { startServer, type RunningServer, type ServerConfigInput } from '../../../src/server/index.js';

/** Starts a server on free loopback ports and stops it when the test ends. */
export async function startTestServer(t: TestContext, config: ServerConfigInput): Promise<RunningServer> {
  const server = await startServer({ httpPort: 0, grpcPort: null, ...config });
  t.after(() => server.close());
  return server;
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; headers: Headers; json: any }> {
  const response = await fetch(url, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, json };
}

/** Parses a Prometheus sample value, e.g. sample(text, 'servelab_cache_hits_total{model="cls"}'). */
export function sample(metricsText: string, series: string): number {
  const line = metricsText.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}
