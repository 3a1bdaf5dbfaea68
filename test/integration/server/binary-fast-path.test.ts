import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { SERVER_TIMING_HEADERS } from '../../../src/core/target.js';
import { BodyBudget } from '../../../src/server/body-budget.js';
import { statusOf } from '../../../src/server/protocols/http/http-error.js';
import { readKserveBinaryRequest } from '../../../src/server/protocols/http/binary-request.js';
import { MODEL_PATHS, clsInput } from '../../support/server/fixtures/models.js';
import { sample, startTestServer } from '../../support/server/support.js';

/** A loopback server whose handler reads each request with the fast path and answers what it got. */
let server: Server;
let port: number;
let budget: BodyBudget;
const MAX_BYTES = 64 * 1024;

async function describeRead(request: IncomingMessage): Promise<unknown> {
  const charge = budget.charge();
  try {
    const { request: parsed, parseUs } = await readKserveBinaryRequest(request, Number(request.headers['inference-header-content-length']), MAX_BYTES, charge);
    return {
      parseUs,
      inputs: parsed.inputs.map((tensor) => ({
        name: tensor.name,
        shape: tensor.shape,
        values: Array.from(tensor.data as ArrayLike<number | bigint | string>, (value) => (typeof value === 'bigint' ? Number(value) : value)),
        // Whether the tensor is the whole of its memory (so it moves to the instance thread by transfer).
        ownsBuffer: !Array.isArray(tensor.data) && tensor.data.byteOffset === 0 && tensor.data.byteLength === tensor.data.buffer.byteLength,
      })),
      binaryOutputs: parsed.binaryOutputs === 'all' ? 'all' : [...parsed.binaryOutputs],
    };
  } finally {
    charge.release();
  }
}

before(async () => {
  server = createServer((request, response) => {
    describeRead(request).then(
      (value) => response.end(JSON.stringify({ ok: value })),
      (error: unknown) => {
        if (!request.complete) response.setHeader('connection', 'close');
        response.writeHead(statusOf(error));
        response.end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends `pieces` one write each (a pause between them, so the server sees separate chunks); chunked when no length. */
function send(pieces: readonly Buffer[], headerLength: number, contentLength?: number): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'inference-header-content-length': String(headerLength) };
    if (contentLength !== undefined) headers['content-length'] = String(contentLength);
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/', headers, agent: false }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    void (async () => {
      for (const piece of pieces) {
        req.write(piece);
        await new Promise((wait) => setTimeout(wait, 5));
      }
      req.end();
    })();
  });
}

const head = (value: unknown) => Buffer.from(JSON.stringify(value));
const floats = (values: number[]) => Buffer.from(Float32Array.from(values).buffer);
const int64s = (values: number[]) => Buffer.from(BigInt64Array.from(values.map(BigInt)).buffer);

/** Splits a buffer into pieces of `size` bytes. */
function pieces(buffer: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let offset = 0; offset < buffer.length; offset += size) out.push(buffer.subarray(offset, offset + size));
  return out;
}

test('binary fast path: header and tensors split across chunks at odd offsets land in tensors of their own, JSON inputs beside them', async () => {
  budget = new BodyBudget(1024 * 1024);
  const header = head({
    inputs: [
      { name: 'a', shape: [2, 2], datatype: 'FP32', parameters: { binary_data_size: 16 } },
      { name: 'j', shape: [2], datatype: 'INT32', data: [7, 8] },
      { name: 'b', shape: [3], datatype: 'INT64', parameters: { binary_data_size: 24 } },
    ],
    parameters: { binary_data_output: true },
  });
  const body = Buffer.concat([header, floats([1.5, -2, 3, 4]), int64s([5, -6, 7])]);
  // 7-byte pieces: the header ends mid-piece and every tensor starts at an unaligned body offset.
  const reply = await send(pieces(body, 7), header.length, body.length);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  const [a, j, b] = reply.body.ok.inputs;
  assert.deepEqual(a, { name: 'a', shape: [2, 2], values: [1.5, -2, 3, 4], ownsBuffer: true });
  assert.deepEqual(j.values, [7, 8]);
  assert.deepEqual(b, { name: 'b', shape: [3], values: [5, -6, 7], ownsBuffer: true });
  assert.equal(reply.body.ok.binaryOutputs, 'all');
  assert.ok(reply.body.ok.parseUs > 0);
  assert.equal(budget.usedBytes, 0, 'the body budget is given back');

  // Without a Content-Length (chunked) the same body reads the same.
  const chunked = await send(pieces(body, 11), header.length);
  assert.deepEqual(chunked.body.ok.inputs, reply.body.ok.inputs);
});

test('binary fast path: BYTES inputs and sizes that do not fit the shape go through the decoder and its messages', async () => {
  budget = new BodyBudget(1024 * 1024);
  const words = Buffer.concat([Buffer.from([2, 0, 0, 0]), Buffer.from('ab'), Buffer.from([1, 0, 0, 0]), Buffer.from('c')]);
  const header = head({ inputs: [{ name: 'w', shape: [2], datatype: 'BYTES', parameters: { binary_data_size: words.length } }] });
  const reply = await send([Buffer.concat([header, words])], header.length, header.length + words.length);
  assert.deepEqual(reply.body.ok.inputs[0].values, ['ab', 'c']);

  const wrong = head({ inputs: [{ name: 'x', shape: [3], datatype: 'FP32', parameters: { binary_data_size: 8 } }] });
  const mismatch = await send([Buffer.concat([wrong, floats([1, 2])])], wrong.length, wrong.length + 8);
  assert.equal(mismatch.status, 400);
  assert.match(mismatch.body.error, /input 'x': 8 bytes of FP32 data, but shape \[3\] needs 12/);
});

test('binary fast path: truncated, overlong and mislabelled payloads get the buffered path\'s 400s and keep the connection readable', async () => {
  budget = new BodyBudget(1024 * 1024);
  const header = head({ inputs: [{ name: 'x', shape: [2], datatype: 'FP32', parameters: { binary_data_size: 8 } }] });
  const short = Buffer.concat([header, floats([1])]);
  const truncated = await send([short], header.length, short.length);
  assert.equal(truncated.status, 400);
  assert.match(truncated.body.error, /input 'x': binary data truncated: binary_data_size 8 needs bytes up to \d+, but the body has \d+/);

  const long = Buffer.concat([header, floats([1, 2, 3])]);
  const extra = await send([long], header.length, long.length);
  assert.match(extra.body.error, /4 bytes beyond the inputs' binary_data_size total/);
  const extraChunked = await send(pieces(long, 5), header.length);
  assert.match(extraChunked.body.error, /4 bytes beyond the inputs' binary_data_size total/);
  const truncatedChunked = await send(pieces(short, 5), header.length);
  assert.match(truncatedChunked.body.error, /binary data truncated/);

  const body = Buffer.concat([header, floats([1, 2])]);
  const overHeader = await send([body], body.length + 5, body.length);
  assert.match(overHeader.body.error, /Inference-Header-Content-Length \d+ does not fit a body of \d+ bytes/);
  const notANumber = await send([body], Number.NaN, body.length);
  assert.match(notANumber.body.error, /Inference-Header-Content-Length NaN does not fit/);
  const badJson = await send([Buffer.from('{"inputs": [')], 12, 12);
  assert.match(badJson.body.error, /malformed JSON in the request body/);
  const noBinaryExtension = head({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] });
  const plain = await send([noBinaryExtension], noBinaryExtension.length, noBinaryExtension.length);
  assert.deepEqual(plain.body.ok.inputs[0].values, [1]);
  assert.equal(budget.usedBytes, 0);
});

test('binary fast path: maxBodyBytes (413) and the body budget (503) hold, declared or claimed in the header of a chunked body', async () => {
  budget = new BodyBudget(1024 * 1024);
  const tooBig = await send([Buffer.alloc(16)], 4, MAX_BYTES + 1);
  assert.equal(tooBig.status, 413);
  // A small chunked body whose header claims more than the limit is refused before anything is allocated.
  const claim = head({ inputs: [{ name: 'x', shape: [1_000_000], datatype: 'FP32', parameters: { binary_data_size: 4_000_000 } }] });
  const claimed = await send([claim, Buffer.alloc(8)], claim.length);
  assert.equal(claimed.status, 413);
  assert.match(claimed.body.error, /exceeds the limit of 65536 bytes/);

  budget = new BodyBudget(2048);
  budget.take(1024);
  const header = head({ inputs: [{ name: 'x', shape: [512], datatype: 'FP32', parameters: { binary_data_size: 2048 } }] });
  const busy = await send([header, Buffer.alloc(2048)], header.length);
  assert.equal(busy.status, 503);
  assert.match(busy.body.error, /maxInFlightBodyBytes/);
  budget.give(1024);
  assert.equal(budget.usedBytes, 0);
});

test('binary fast path on the server: same outputs as JSON, stage times recorded, and queue + compute + serialization within the client latency', async (t) => {
  const running = await startTestServer(t, { models: [{ name: 'cls', path: MODEL_PATHS.cls }] });
  const url = `${running.httpUrl}/v2/models/cls/infer`;
  const raw = clsInput(1, 3);
  const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'x', shape: [1, 3, 48, 192], datatype: 'FP32', parameters: { binary_data_size: raw.byteLength } }], parameters: { binary_data_output: true } }));
  for (let i = 0; i < 3; i++) {
    const startedMs = performance.now();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'inference-header-content-length': String(header.length), 'content-type': 'application/octet-stream' },
      body: Buffer.concat([header, Buffer.from(raw.buffer)]),
    });
    const body = Buffer.from(await response.arrayBuffer());
    const clientUs = (performance.now() - startedMs) * 1000;
    assert.equal(response.status, 200);
    const parts = ['queueUs', 'computeUs', 'serializeUs'] as const;
    const serverUs = parts.reduce((sum, part) => sum + Number(response.headers.get(SERVER_TIMING_HEADERS[part])), 0);
    assert.ok(Number(response.headers.get(SERVER_TIMING_HEADERS.computeUs)) > 0);
    assert.ok(serverUs > 0 && serverUs <= clientUs, `queue + compute + serialization ${serverUs} µs within the client's ${clientUs} µs`);
    const headLength = Number(response.headers.get('inference-header-content-length'));
    assert.equal(body.length, headLength + 8);
  }
  const jsonReply = await fetch(url, { method: 'POST', body: JSON.stringify({ inputs: [{ name: 'x', shape: [1, 3, 48, 192], datatype: 'FP32', data: Array.from(raw) }] }) });
  const expected = ((await jsonReply.json()) as { outputs: { data: number[] }[] }).outputs[0]!.data;
  const binary = await fetch(url, { method: 'POST', headers: { 'inference-header-content-length': String(header.length) }, body: Buffer.concat([header, Buffer.from(raw.buffer)]) });
  const binaryBody = Buffer.from(await binary.arrayBuffer());
  const headLength = Number(binary.headers.get('inference-header-content-length'));
  const values = new Float32Array(binaryBody.buffer.slice(binaryBody.byteOffset + headLength, binaryBody.byteOffset + headLength + 8));
  assert.deepEqual([...values], expected.map((value) => Math.fround(value)));

  const metrics = await (await fetch(`${running.httpUrl}/metrics`)).text();
  for (const stage of ['read', 'parse', 'queue', 'handoff', 'run', 'handback', 'encode', 'write']) {
    assert.equal(sample(metrics, `servelab_request_stage_seconds_count{model="cls",protocol="kserve-http-binary",stage="${stage}"}`), 4, stage);
  }
  assert.equal(sample(metrics, 'servelab_requests_total{model="cls",protocol="kserve-http-binary"}'), 4);
});
