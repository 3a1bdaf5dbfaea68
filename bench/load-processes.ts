/**
 * Processes of bench:load: the loopback endpoint and the load tools, each pinned with `taskset` so that the
 * generator has a core of its own (endpoint on CPU 0, generator on CPU 1) when the machine has two or more.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { LoadSummary } from '../src/load/index.js';

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
const tsx = ['--import', 'tsx'];

function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const pinning = cpus().length >= 2 && hasCommand('taskset');
export const ENDPOINT_CPU = 0;
export const GENERATOR_CPU = 1;

export function layoutLine(): string {
  return pinning
    ? `layout: endpoint on CPU ${ENDPOINT_CPU}, each load generator (servelab, wrk, autocannon) on CPU ${GENERATOR_CPU} alone (taskset -c), one at a time`
    : `layout: NOT pinned (${cpus().length} CPU(s)${hasCommand('taskset') ? '' : ', no taskset'}): endpoint and generator share the CPUs`;
}

/** command + args, prefixed with `taskset -c cpu` when pinning is possible. */
export function pinned(cpu: number, command: string, args: string[]): [string, string[]] {
  return pinning ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args];
}

export function run(command: string, args: string[], cpu = GENERATOR_CPU): Promise<string> {
  const [file, argv] = pinned(cpu, command, args);
  return new Promise((resolve, reject) =>
    execFile(file, argv, { maxBuffer: 64 * 1024 * 1024, timeout: 300_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command} failed: ${error.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

export const wrkAvailable = hasCommand('wrk');

export async function startEndpoint(delayMs = 0): Promise<{ child: ChildProcess; port: number }> {
  const [file, argv] = pinned(ENDPOINT_CPU, process.execPath, [...tsx, here('./load-endpoint.ts'), String(delayMs)]);
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`endpoint exited with ${code}`)));
  });
  return { child, port };
}

/** One servelab load run in its own (pinned) process. */
export async function servelab(options: Record<string, unknown>): Promise<LoadSummary> {
  const stdout = await run(process.execPath, [...tsx, here('./load-servelab-run.ts'), JSON.stringify(options)]);
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadSummary;
}

export interface AutocannonResult {
  requests: { total: number; average: number };
  /** Percentiles in whole ms; mean as a float. */
  latency: { p50: number; p99: number; mean: number };
  duration: number;
  non2xx: number;
  errors: number;
}

export async function autocannon(url: string, body: string, seconds: number, connections: number, rate?: number): Promise<AutocannonResult> {
  const args = [here('../node_modules/autocannon/autocannon.js'), '-c', String(connections), '-d', String(seconds), '-m', 'POST', '-H', 'content-type=application/json', '-b', body, '--json'];
  if (rate) args.push('-R', String(rate), '-C');
  const out = await run(process.execPath, [...args, url]);
  return JSON.parse(out.trim().split('\n').at(-1)!) as AutocannonResult;
}

export async function wrk(url: string, script: string, seconds: number, connections: number): Promise<number> {
  const out = await run('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '-s', script, url]);
  const match = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!match) throw new Error(`cannot read wrk output:\n${out}`);
  return Number(match[1]);
}
