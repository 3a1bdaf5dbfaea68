/**
 * Test hosts on this machine: one network namespace per host, joined to the root namespace by a veth pair
 * (host side 10.231.N.1, namespace side 10.231.N.2), so a process started with `ip netns exec` is a separate
 * host that reaches services only over its link. Created and removed by the test that uses them.
 */
import { spawnSync } from 'node:child_process';

export interface TestHost {
  readonly name: string;
  readonly namespace: string;
  /** Address of the root-namespace side: where services bound to it are reached from inside the host. */
  readonly gatewayAddress: string;
  readonly address: string;
}

function ip(...args: string[]): void {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')}: ${result.stderr.trim() || `exit ${result.status}`}`);
}

/** Why namespaces can't be made here, or undefined when they can (tries one and removes it). */
export function testHostsUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  const probe = `servelab-probe-${process.pid}`;
  const made = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (made.status !== 0) return `ip netns add failed: ${made.stderr.trim() || 'iproute2 missing'}`;
  spawnSync('ip', ['netns', 'del', probe]);
  return undefined;
}

export function createTestHosts(count: number, prefix = `sl${process.pid % 10000}`): TestHost[] {
  const hosts: TestHost[] = [];
  try {
    for (let i = 1; i <= count; i++) {
      const namespace = `${prefix}-h${i}`;
      const outside = `${prefix}h${i}a`;
      const inside = `${prefix}h${i}b`;
      const subnet = `10.231.${(process.pid % 200) + i}`;
      ip('netns', 'add', namespace);
      hosts.push({ name: `host${i}`, namespace, gatewayAddress: `${subnet}.1`, address: `${subnet}.2` });
      ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
      ip('link', 'set', inside, 'netns', namespace);
      ip('addr', 'add', `${subnet}.1/24`, 'dev', outside);
      ip('link', 'set', outside, 'up');
      ip('netns', 'exec', namespace, 'ip', 'addr', 'add', `${subnet}.2/24`, 'dev', inside);
      ip('netns', 'exec', namespace, 'ip', 'link', 'set', inside, 'up');
      ip('netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up');
    }
  } catch (error) {
    removeTestHosts(hosts);
    throw error;
  }
  return hosts;
}

/** Deleting a namespace removes its veth pair with it. */
export function removeTestHosts(hosts: readonly TestHost[]): void {
  for (const host of hosts) spawnSync('ip', ['netns', 'del', host.namespace]);
}
