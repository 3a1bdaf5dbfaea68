import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseStudy } from '../../../src/plan/study-schema.js';
import { planLaunch, SERVELAB_BIN } from '../../../src/run/launch.js';
import { ServerProcess } from '../../../src/run/server-process.js';

test('embedded target: a fresh servelab serve with the server knobs written into its configuration', async () => {
  const study = parseStudy('name: s\nmodels: [mnist-cnn]\nworkloads: [mnist-digits]\nknobs:\n  instances: [2]\n  batching.maxBatchSize: [8]\n  os.cpuCores: [1]\n');
  const plan = await planLaunch(study, { instances: 2, 'batching.maxBatchSize': 8, 'os.cpuCores': 1 }, 'mnist-cnn', 30_000);
  try {
    assert.deepEqual(plan.argv.slice(0, 3), [process.execPath, SERVELAB_BIN, 'serve']);
    assert.deepEqual(plan.argv.slice(5), ['--models', 'mnist-cnn', '--port', '0', '--grpc-port', '0']);
    const written = JSON.parse(readFileSync(plan.argv[4]!, 'utf8'));
    assert.equal(written.defaults.instances, 2);
    assert.equal(written.defaults.batching.maxBatchSize, 8);
    assert.equal(JSON.stringify(written).includes('cpuCores'), false, 'OS knobs are applied to the process, not the server configuration');
  } finally {
    plan.cleanup();
  }
});

test('external target: knob values and picked ports fill the launch template; readiness is polled over HTTP', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-ext-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const serverScript = join(dir, 'server.cjs');
  writeFileSync(
    serverScript,
    "const http = require('http');\n" +
      'const [port, tag] = process.argv.slice(2);\n' +
      "setTimeout(() => http.createServer((req, res) => { res.writeHead(req.url === '/ready' ? 200 : 404); res.end(tag); }).listen(Number(port), '127.0.0.1'), 300);\n",
  );
  const yaml = [
    'name: ext',
    'models: [m]',
    'workloads: [mnist-digits]',
    'target:',
    '  kind: external',
    "  url: 'http://127.0.0.1:{port}'",
    '  protocol: kserve-http',
    '  launch:',
    `    command: '${process.execPath} ${serverScript} {port} {custom.tag}'`,
    "    readyUrl: 'http://127.0.0.1:{port}/ready'",
    '    startupTimeout: 20s',
    'knobs:',
    '  custom.tag: [alpha]',
    '',
  ].join('\n');
  const study = parseStudy(yaml);
  const plan = await planLaunch(study, { 'custom.tag': 'alpha' }, 'm', 1);
  assert.equal(plan.readyTimeoutMs, 20_000);
  assert.equal(plan.argv[0], 'sh');
  assert.match(plan.argv[2]!, /^exec .*server\.cjs '\d+' 'alpha'$/);
  assert.equal(plan.readiness.kind, 'url');
  if (plan.readiness.kind !== 'url') return;
  const port = /127\.0\.0\.1:(\d+)/.exec(plan.readiness.target.http)![1];
  assert.equal(plan.readiness.url, `http://127.0.0.1:${port}/ready`);
  const { server, ready } = await ServerProcess.launch({ argv: plan.argv, readyTimeoutMs: plan.readyTimeoutMs, pollUrl: { url: plan.readiness.url, target: plan.readiness.target } });
  try {
    assert.equal(ready.http, `http://127.0.0.1:${port}`);
    assert.equal(await (await fetch(`${ready.http}/ready`)).text(), 'alpha');
    // The shell exec'd the server: the process servelab watches is the server itself.
    assert.match(readFileSync(`/proc/${server.pid}/cmdline`, 'utf8'), /server\.cjs/);
  } finally {
    await server.stop();
  }
});
