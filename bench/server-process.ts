import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { formatCpuList } from '../src/knobs/cpus.js';
import type { ServerConfigInput } from '../src/server/index.js';

const BIN = fileURLToPath(new URL('../bin/servelab.js', import.meta.url));

export interface ServerProcess {
  readonly http: string;
  readonly grpc: string;
  /** The server's process id, for memory samples. */
  readonly pid: number;
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  /** Pins the server (all its threads) to these CPUs with taskset. */
  readonly cpus?: readonly number[];
  /** Extra Node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=DIR']. */
  readonly nodeArgs?: readonly string[];
}

/** Runs `servelab serve` in its own process (as a study would), waiting for its ready line. */
export async function startServerProcess(config: ServerConfigInput, options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-bench-'));
  const configPath = join(dir, 'server.yaml');
  writeFileSync(configPath, stringify(config));
  const argv = [...(options.nodeArgs ?? []), BIN, 'serve', '--config', configPath, '--port', '0', '--grpc-port', '0'];
  const child: ChildProcess = options.cpus
    ? spawn('taskset', ['-c', formatCpuList(options.cpus), process.execPath, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = await new Promise<{ http: string; grpc: string }>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^ready (\{.*\})\n/.exec(stdout);
      if (match) resolve(JSON.parse(match[1]!) as { http: string; grpc: string });
    });
    child.once('exit', (code) => reject(new Error(`servelab serve exited with ${code}: ${stderr}`)));
  });
  return {
    ...ready,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
