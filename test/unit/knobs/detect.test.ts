import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { parseCgroupMounts, parseProcCgroup } from '../../../src/knobs/cgroup.js';
import { parseCpuList } from '../../../src/knobs/cpus.js';
import { assertOsKnobsApplicable, detectOsCapabilities } from '../../../src/knobs/detect.js';
import { osKnobValues, prepareOsKnobs } from '../../../src/knobs/apply.js';

type Files = Record<string, string>;

function tree(t: { after(fn: () => void): void }, files: Files): string {
  const root = mkdtempSync(join(tmpdir(), 'servelab-sysfs-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const V1_MOUNTS = [
  'cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0',
  'cgroup /sys/fs/cgroup/cpuset cgroup rw,relatime,cpuset 0 0',
  'cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0',
  'cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0',
].join('\n');

const COMMON: Files = {
  'proc/self/status': 'Name:\tnode\nCpus_allowed_list:\t0-3\n',
  'proc/cpuinfo': 'processor\t: 0\ncpu MHz\t\t: 2599.998\n',
  'sys/devices/system/cpu/online': '0-3\n',
};

test('CPU lists, mounts and /proc/self/cgroup parse', () => {
  assert.deepEqual(parseCpuList('0-2,5,7-8'), [0, 1, 2, 5, 7, 8]);
  assert.throws(() => parseCpuList('a-b'), /expected a CPU list like '0-3,8', got 'a-b'/);
  const mounts = parseCgroupMounts(V1_MOUNTS, () => ['cpu', 'memory']);
  assert.deepEqual(mounts.map((m) => [m.version, m.mountPoint, m.controllers]), [
    [1, '/sys/fs/cgroup/cpu', ['cpu']],
    [1, '/sys/fs/cgroup/cpuset', ['cpuset']],
    [1, '/sys/fs/cgroup/memory', ['memory']],
    [2, '/sys/fs/cgroup/unified', ['cpu', 'memory']],
  ]);
  const own = parseProcCgroup('4:memory:/jobs/42\n2:cpu,cpuacct:/\n0::/user.slice\n');
  assert.equal(own.v1.get('memory'), '/jobs/42');
  assert.equal(own.v1.get('cpuacct'), '/');
  assert.equal(own.v2, '/user.slice');
});

test('cgroup v1 tree without cpufreq: quota and emulated frequency via cpu.cfs_quota_us, memory via cgroup', (t) => {
  const root = tree(t, {
    ...COMMON,
    'proc/self/mounts': V1_MOUNTS,
    'proc/self/cgroup': '4:memory:/jobs/42\n3:cpuset:/\n1:cpu:/\n0::/\n',
    'sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n',
    'sys/fs/cgroup/cpuset/cpuset.mems': '0\n',
    'sys/fs/cgroup/memory/jobs/42/memory.limit_in_bytes': '9223372036854771712\n',
    'sys/fs/cgroup/unified/cgroup.controllers': '\n',
  });
  const caps = detectOsCapabilities({ rootDir: root, pathVariable: '' });
  assert.deepEqual(caps.allowedCpus, [0, 1, 2, 3]);
  assert.equal(caps.nominalKhz, 2_599_998);
  assert.equal(caps.cpufreq, undefined);
  assert.equal(caps.knobs['os.cpuCores'].method, 'cgroup-cpuset'); // no taskset on the empty PATH
  assert.equal(caps.knobs['os.cpuQuota'].method, 'cgroup-cpu-quota');
  assert.match(caps.knobs['os.cpuQuota'].emulated ?? '', /EMULATED frequency/);
  assert.equal(caps.knobs['os.cpuFreqKhz'].method, 'cgroup-cpu-quota');
  assert.match(caps.knobs['os.cpuFreqKhz'].emulated ?? '', /EMULATED.*no writable cpufreq/);
  assert.equal(caps.knobs['os.memoryLimitMb'].method, 'cgroup-memory');
  assert.equal(caps.memory?.parentDir, join(root, 'sys/fs/cgroup/memory/jobs/42'));
  assert.equal(caps.cpu?.version, 1);
});

test('a cgroup v1 apply on a fixture tree writes the quota, joins the group by pid and cleans up', async (t) => {
  const root = tree(t, {
    ...COMMON,
    'proc/self/mounts': V1_MOUNTS,
    'proc/self/cgroup': '1:cpu:/\n0::/\n',
  });
  mkdirSync(join(root, 'sys/fs/cgroup/cpu'), { recursive: true });
  const caps = detectOsCapabilities({ rootDir: root, pathVariable: '/usr/bin:/bin' });
  const launch = prepareOsKnobs(osKnobValues({ 'os.cpuCores': 2, 'os.cpuQuota': 0.5, 'batching.enabled': true }), ['node', 'server.js'], caps);
  const groupDir = join(root, 'sys/fs/cgroup/cpu', launch.argv[2]!.match(/servelab-[\d-]+/)![0]);
  assert.equal(launch.argv[0], 'sh');
  assert.match(launch.argv[2]!, /^echo \$\$ > '.*cgroup\.procs' && exec "\$@"$/);
  assert.deepEqual(launch.argv.slice(4), ['taskset', '-c', '0,1', 'node', 'server.js']);
  const { readFileSync, existsSync } = await import('node:fs');
  assert.equal(readFileSync(join(groupDir, 'cpu.cfs_quota_us'), 'utf8'), '10000'); // 0.5 x 2 cores x 10 ms
  assert.deepEqual(launch.applied.map((a) => [a.knob, a.method, a.emulated !== undefined]), [
    ['os.cpuCores', 'taskset', false],
    ['os.cpuQuota', 'cgroup-cpu-quota', true],
  ]);
  // The fixture group holds plain files, which rmdir can't remove; a real one is empty once the process is gone.
  rmSync(join(groupDir), { recursive: true });
  await launch.release();
  assert.equal(existsSync(groupDir), false);
});

test('real cpufreq is preferred and restored after the launch', async (t) => {
  const cpufreq = (cpu: number): Files => ({
    [`sys/devices/system/cpu/cpu${cpu}/cpufreq/scaling_max_freq`]: '3000000\n',
    [`sys/devices/system/cpu/cpu${cpu}/cpufreq/cpuinfo_min_freq`]: '800000\n',
    [`sys/devices/system/cpu/cpu${cpu}/cpufreq/cpuinfo_max_freq`]: '3000000\n',
  });
  const root = tree(t, { ...COMMON, ...cpufreq(0), ...cpufreq(1), 'proc/self/mounts': '', 'proc/self/cgroup': '' });
  const caps = detectOsCapabilities({ rootDir: root, pathVariable: '/usr/bin:/bin' });
  assert.equal(caps.knobs['os.cpuFreqKhz'].method, 'cpufreq');
  assert.equal(caps.knobs['os.cpuFreqKhz'].emulated, undefined);
  assert.deepEqual(caps.cpufreq, { cpus: [0, 1], minKhz: 800_000, maxKhz: 3_000_000, writable: true });
  assert.equal(caps.knobs['os.cpuQuota'].method, undefined);
  assert.match(caps.knobs['os.cpuQuota'].reason ?? '', /no cgroup v1 cpu hierarchy is mounted; no cgroup v2 hierarchy is mounted/);
  const { readFileSync } = await import('node:fs');
  const path = join(root, 'sys/devices/system/cpu/cpu1/cpufreq/scaling_max_freq');
  const launch = prepareOsKnobs({ cpuFreqKhz: 1_200_000 }, ['srv'], caps);
  assert.equal(readFileSync(path, 'utf8'), '1200000');
  assert.deepEqual(launch.argv, ['srv']);
  await launch.release();
  assert.equal(readFileSync(path, 'utf8'), '3000000');
  assert.throws(() => prepareOsKnobs({ cpuFreqKhz: 5_000_000 }, ['srv'], caps), /os.cpuFreqKhz: expected 800000..3000000 kHz/);
});

test('unavailable knobs are refused up front with every reason', (t) => {
  const root = tree(t, { ...COMMON, 'proc/self/mounts': '', 'proc/self/cgroup': '' });
  chmodSync(root, 0o755);
  const caps = detectOsCapabilities({ rootDir: root, pathVariable: '' });
  assert.throws(
    () => assertOsKnobsApplicable(['os.cpuCores', 'os.memoryLimitMb', 'instances'], caps),
    (error: Error) =>
      /os.cpuCores can't be applied here: taskset is not on the PATH/.test(error.message) &&
      /os.memoryLimitMb can't be applied here: no cgroup v1 memory hierarchy is mounted.*prlimit is not on the PATH/.test(error.message),
  );
  assert.throws(() => osKnobValues({ 'os.cpuSpeed': 3 }), /unknown OS knob 'os.cpuSpeed'/);
  assert.throws(() => osKnobValues({ 'os.cpuCores': 'two' }), /os.cpuCores: expected a positive number, got "two"/);
  const withTaskset = detectOsCapabilities({ rootDir: root, pathVariable: '/usr/bin:/bin' });
  assert.throws(() => prepareOsKnobs({ cpuCores: 9 }, ['srv'], withTaskset), /os.cpuCores: expected an integer from 1 to 4/);
});
