/**
 * Private Redis and PostgreSQL instances for integration tests and benchmarks: started from Debian's
 * binaries on free ports in temporary folders, bound to loopback (plus any extra addresses given, such as
 * the host side of test-host veth links), and always removed on stop.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningService {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

const PG_BIN = '/usr/lib/postgresql/15/bin';

/** Why the services can't run here, or undefined when they can. */
export function servicesUnavailableReason(): string | undefined {
  if (!existsSync('/usr/bin/redis-server')) return 'redis-server is not installed (apt-get install redis-server)';
  if (!existsSync(join(PG_BIN, 'postgres'))) return 'PostgreSQL 15 is not installed (apt-get install postgresql)';
  if (process.getuid?.() !== 0) return 'starting PostgreSQL as the postgres user needs root';
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startRedis(extraBindAddresses: readonly string[] = []): Promise<RunningService> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'servelab-redis-'));
  const child = spawn(
    '/usr/bin/redis-server',
    ['--port', String(port), '--bind', ['127.0.0.1', ...extraBindAddresses].join(' '), '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'no'],
    { stdio: 'ignore' },
  );
  await waitFor(() => spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG', 'redis-server');
  return { url: `redis://127.0.0.1:${port}`, port, stop: () => stopProcess(child, dir) };
}

export async function startPostgres(extraListenAddresses: readonly string[] = []): Promise<RunningService> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'servelab-pg-'));
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  chownSync(dir, uid, gid);
  const dataDir = join(dir, 'data');
  const init = spawnSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, 'initdb'), '-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync'], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  // A throwaway test instance: trust the test hosts' links as well as loopback.
  for (const address of extraListenAddresses) appendFileSync(join(dataDir, 'pg_hba.conf'), `host all all ${address.replace(/\.\d+$/, '.0')}/24 trust\n`);
  const listen = ['127.0.0.1', ...extraListenAddresses].join(',');
  const child = spawn(
    'runuser',
    ['-u', 'postgres', '--', join(PG_BIN, 'postgres'), '-D', dataDir, '-p', String(port), '-k', dir, '-c', `listen_addresses=${listen}`, '-c', 'fsync=off', '-c', 'max_connections=200'],
    { stdio: 'ignore' },
  );
  await waitFor(() => spawnSync(join(PG_BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]).status === 0, 'postgres');
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, stop: () => stopProcess(child, dir) };
}

async function waitFor(ready: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopProcess(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
}
