/**
 * Chooses the server's HTTP stack: node:http vs fastify on a 4 KB POST echo, 16 connections, autocannon,
 * each server in its own process, alternated twice. Run: npx tsx bench/server-http-stack.ts
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
// @ts-expect-error autocannon ships no type declarations
import autocannonModule from 'autocannon';

interface AutocannonResult {
  requests: { average: number };
}
const autocannon = autocannonModule as (options: Record<string, unknown>) => Promise<AutocannonResult>;

const ECHO = fileURLToPath(new URL('./server-http-echo.ts', import.meta.url));
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 4);

async function measure(stack: string): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', ECHO, stack], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
  const result = await autocannon({ url: `http://127.0.0.1:${port}/echo`, method: 'POST', body: Buffer.alloc(4096, 97), connections: 16, duration: DURATION_S });
  child.kill('SIGTERM');
  return result.requests.average;
}

const totals: Record<string, number[]> = { node: [], fastify: [] };
for (let round = 0; round < 2; round++) {
  for (const stack of ['node', 'fastify']) totals[stack]!.push(await measure(stack));
}
for (const [stack, values] of Object.entries(totals)) console.log(`${stack.padEnd(8)} ${values.map((v) => v.toFixed(0)).join(' / ')} req/s`);
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
console.log(`fastify / node:http = ${(mean(totals.fastify!) / mean(totals.node!)).toFixed(3)}`);
