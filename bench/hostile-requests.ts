/**
 * What hostile or oversized requests do to a running `servelab serve`: the longest wait a health-check client
 * sees while the server handles them, the server's resident memory, and how long SIGTERM takes with a client
 * that never finishes its body. Run from a checkout's root: `npx tsx bench/hostile-requests.ts [repo-root]`
 * (the root whose bin/servelab.js is served; default the current directory, so an older checkout can be compared).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { KSERVE_PROTO_OPTIONS, KSERVE_PROTO_PATH } from '../src/server/index.js';
import { MODEL_PATHS } from '../test/support/server/fixtures/models.js';

const root = resolve(process.argv[2] ?? '.');
const MIB = 1024 * 1024;
/** The name `serve --models <path>` gives the model: its file name. */
const MODEL = 'ch_ppocr_mobile_v2.0_cls_infer';

interface Served {
  readonly child: ChildProcess;
  readonly http: string;
  readonly grpc: string;
  readonly exited: Promise<number | null>;
}

function serve(extra: string[] = []): Promise<Served> {
  const child = spawn(process.execPath, [join(root, 'bin/servelab.js'), 'serve', '--models', MODEL_PATHS.cls, '--port', '0', '--grpc-port', '0', ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return new Promise((ready, fail) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^ready (\{.*\})\n/.exec(out);
      if (match) {
        const info = JSON.parse(match[1]!) as { http: string; grpc: string };
        ready({ child, http: info.http, grpc: info.grpc, exited });
      }
    });
    void exited.then((code) => fail(new Error(`serve exited with ${code}`)));
  });
}

const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A separate process that sends GET /v2/health/live back to back, so the waits it sees are the server's alone. */
const PINGER = `
let slowestMs = 0, running = true;
process.stdin.on('data', () => { running = false; });
(async () => {
  while (running) {
    const startedMs = performance.now();
    await (await fetch(process.argv[1] + '/v2/health/live')).text();
    slowestMs = Math.max(slowestMs, performance.now() - startedMs);
    await new Promise((done) => setTimeout(done, 5));
  }
  process.stdout.write(String(slowestMs));
})();`;

/** The slowest health check another client sees while `during` runs. */
async function slowestHealthCheckMs<T>(http: string, during: () => Promise<T>): Promise<{ result: T; slowestMs: number }> {
  const pinger = spawn(process.execPath, ['-e', PINGER, http], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  pinger.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise((done) => pinger.on('exit', done));
  await sleep(300);
  const result = await during();
  await sleep(200);
  pinger.stdin!.end('stop');
  await exited;
  return { result, slowestMs: Number(out) };
}

async function post(url: string, body: Buffer): Promise<{ status: number; text: string; ms: number }> {
  const startedMs = performance.now();
  try {
    const response = await fetch(url, { method: 'POST', body });
    const text = await response.text();
    return { status: response.status, text: text.slice(0, 160), ms: performance.now() - startedMs };
  } catch (error) {
    return { status: 0, text: String((error as Error).cause ?? error), ms: performance.now() - startedMs };
  }
}

async function nestedAndShallow(): Promise<void> {
  const server = await serve();
  const depth = 10_000_000;
  const nested = Buffer.alloc(depth * 2);
  nested.fill(0x5b, 0, depth);
  nested.fill(0x5d, depth);
  const deep = Buffer.concat([Buffer.from('{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":'), nested, Buffer.from('}]}')]);
  const idle = await slowestHealthCheckMs(server.http, () => sleep(1000));
  console.log(`idle server: slowest health check ${idle.slowestMs.toFixed(0)} ms`);
  const before = rssMb(server.child.pid!);
  const deepRun = await slowestHealthCheckMs(server.http, () => post(`${server.http}/v2/models/${MODEL}/infer`, deep));
  console.log(`nested 20 MB (10M levels): ${deepRun.result.status} in ${deepRun.result.ms.toFixed(0)} ms, slowest health check ${deepRun.slowestMs.toFixed(0)} ms, RSS +${(rssMb(server.child.pid!) - before).toFixed(0)} MB: ${deepRun.result.text}`);
  for (const megabytes of [16, 60]) {
    const count = Math.floor((megabytes * MIB) / 20);
    const values = Array.from({ length: count }, (_, index) => ((index * 7919) % 1000003) / 1000003 + 1e-9);
    const shallow = Buffer.from(JSON.stringify({ inputs: [{ name: 'x', shape: [count], datatype: 'FP32', data: values }] }));
    const run = await slowestHealthCheckMs(server.http, () => post(`${server.http}/v2/models/${MODEL}/infer`, shallow));
    console.log(`shallow ${(shallow.length / MIB).toFixed(0)} MB JSON: ${run.result.status} in ${run.result.ms.toFixed(0)} ms, slowest health check ${run.slowestMs.toFixed(0)} ms`);
  }
  server.child.kill('SIGKILL');
  await server.exited;
}

/** Opens a connection that declares `declaredBytes`, sends `sendBytes` of it, then holds the connection open. */
function holdBody(http: string, declaredBytes: number, sendBytes: number): Promise<{ socket: Socket; closedByServer: () => boolean }> {
  const { hostname, port } = new URL(http);
  return new Promise((done) => {
    const socket = connect(Number(port), hostname, () => {
      let closed = false;
      socket.on('close', () => (closed = true));
      socket.write(`POST /v2/models/${MODEL}/infer HTTP/1.1\r\nhost: x\r\ncontent-length: ${declaredBytes}\r\n\r\n`);
      const held = { socket, closedByServer: () => closed };
      // A refused body is answered and its connection closed before it is all written.
      socket.write(Buffer.alloc(sendBytes, 0x20), () => done(held));
      socket.on('close', () => done(held));
    });
    socket.on('error', () => undefined);
  });
}

async function manyLargeBodies(): Promise<void> {
  const server = await serve();
  const before = rssMb(server.child.pid!);
  const held = [];
  for (let index = 0; index < 10; index++) held.push(await holdBody(server.http, 61 * MIB, 60 * MIB));
  await sleep(1000);
  // A refused body is answered 503 and its connection closed (the reply itself may be lost to the reset).
  const refused = held.filter((connection) => connection.closedByServer()).length;
  console.log(`10 connections holding 60 MB bodies: RSS +${(rssMb(server.child.pid!) - before).toFixed(0)} MB, ${refused} refused and closed by the server`);
  for (const connection of held) connection.socket.destroy();
  server.child.kill('SIGKILL');
  await server.exited;
}

async function largeGrpcRequest(): Promise<void> {
  const server = await serve();
  const definition = protoLoader.loadSync(KSERVE_PROTO_PATH, KSERVE_PROTO_OPTIONS);
  const proto = grpc.loadPackageDefinition(definition) as any;
  const client = new proto.inference.GRPCInferenceService(server.grpc, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': -1 }) as grpc.Client;
  const rows = Math.floor((60 * MIB) / (3 * 48 * 192 * 4));
  const before = rssMb(server.child.pid!);
  const outcome = await new Promise<string>((done) =>
    (client as any).ModelInfer(
      { model_name: MODEL, inputs: [{ name: 'x', datatype: 'FP32', shape: [rows, 3, 48, 192] }], raw_input_contents: [Buffer.alloc(rows * 3 * 48 * 192 * 4)] },
      (error: grpc.ServiceError | null) => done(error ? `${grpc.status[error.code]}: ${error.details}` : 'OK'),
    ),
  );
  await sleep(1000);
  console.log(`one ${rows}-row (60 MB) gRPC request: ${outcome.slice(0, 160)}; RSS +${(rssMb(server.child.pid!) - before).toFixed(0)} MB a second later`);
  client.close();
  server.child.kill('SIGKILL');
  await server.exited;
}

async function drainWithTrickler(): Promise<void> {
  const server = await serve(process.argv.includes('--old') ? [] : ['--drain-timeout', '2']);
  const connection = await holdBody(server.http, 1000, 10);
  await sleep(200);
  const startedMs = performance.now();
  server.child.kill('SIGTERM');
  const boundMs = 60_000;
  const code = await Promise.race([server.exited, sleep(boundMs).then(() => 'running')]);
  console.log(code === 'running' ? `SIGTERM with a trickling client: still running after ${boundMs / 1000} s` : `SIGTERM with a trickling client: exited ${code} after ${(performance.now() - startedMs).toFixed(0)} ms`);
  connection.socket.destroy();
  server.child.kill('SIGKILL');
}

await nestedAndShallow();
await manyLargeBodies();
await largeGrpcRequest();
await drainWithTrickler();
