import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SERVER_TIMING_HEADERS, SERVER_TIMING_PARAMETERS } from '../../../src/core/target.js';
import { MODEL_PATHS, clsInput } from '../../support/server/fixtures/models.js';
import { postJson, sample, startTestServer } from '../../support/server/support.js';

const cls = { name: 'cls', path: MODEL_PATHS.cls };
const jsonInput = (rows: number, seed = 0) => ({ name: 'x', shape: [rows, 3, 48, 192], datatype: 'FP32', data: Array.from(clsInput(rows, seed)) });

function nestedRow(seed: number): number[][][] {
  const flat = clsInput(1, seed);
  return Array.from({ length: 3 }, (_, c) => Array.from({ length: 48 }, (_, h) => Array.from(flat.subarray((c * 48 + h) * 192, (c * 48 + h + 1) * 192))));
}

test('KServe v2 HTTP: JSON, binary tensors, TF Serving REST, health, metadata and metrics on one server', async (t) => {
  const server = await startTestServer(t, { models: [cls], maxBodyBytes: 2 * 1024 * 1024 });
  const base = server.httpUrl;

  assert.deepEqual(await (await fetch(`${base}/v2/health/live`)).json(), { live: true });
  assert.deepEqual(await (await fetch(`${base}/v2/health/ready`)).json(), { ready: true });
  assert.deepEqual(await (await fetch(`${base}/v2/models/cls/ready`)).json(), { name: 'cls', ready: true });
  const serverMeta = (await (await fetch(`${base}/v2`)).json()) as { name: string; extensions: string[] };
  assert.equal(serverMeta.name, 'servelab');
  assert.ok(serverMeta.extensions.includes('binary_tensor_data'));
  const meta = await (await fetch(`${base}/v2/models/cls`)).json();
  assert.deepEqual(meta, { name: 'cls', platform: 'onnxruntime_onnx', versions: ['1'], inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 3, -1, -1] }], outputs: [{ name: 'softmax_0.tmp_0', datatype: 'FP32', shape: [-1, 2] }] });

  // JSON tensors, with timing in headers and response parameters.
  const jsonReply = await postJson(`${base}/v2/models/cls/infer`, { id: 'r1', inputs: [jsonInput(2)] });
  assert.equal(jsonReply.status, 200);
  assert.equal(jsonReply.json.id, 'r1');
  const [output] = jsonReply.json.outputs;
  assert.deepEqual(output.shape, [2, 2]);
  assert.ok(Math.abs(output.data[0] + output.data[1] - 1) < 1e-4, 'softmax rows sum to 1');
  assert.equal(jsonReply.headers.get(SERVER_TIMING_HEADERS.batchSize), '2');
  assert.equal(jsonReply.headers.get(SERVER_TIMING_HEADERS.cacheHit), 'miss');
  assert.ok(Number(jsonReply.headers.get(SERVER_TIMING_HEADERS.computeUs)) > 0);
  assert.ok(jsonReply.headers.get(SERVER_TIMING_HEADERS.serializeUs) !== null);
  assert.equal(jsonReply.json.parameters[SERVER_TIMING_PARAMETERS.batchSize], 2);
  assert.ok(jsonReply.json.parameters[SERVER_TIMING_PARAMETERS.computeUs] > 0);

  // Binary tensor data extension: binary input and binary output give the same numbers.
  const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'x', shape: [2, 3, 48, 192], datatype: 'FP32', parameters: { binary_data_size: 2 * 3 * 48 * 192 * 4 } }], parameters: { binary_data_output: true } }));
  const raw = clsInput(2);
  const binary = await fetch(`${base}/v2/models/cls/infer`, {
    method: 'POST',
    headers: { 'inference-header-content-length': String(header.length), 'content-type': 'application/octet-stream' },
    body: Buffer.concat([header, Buffer.from(raw.buffer)]),
  });
  assert.equal(binary.status, 200);
  const binaryBody = Buffer.from(await binary.arrayBuffer());
  const headLength = Number(binary.headers.get('inference-header-content-length'));
  const head = JSON.parse(binaryBody.subarray(0, headLength).toString());
  assert.equal(head.outputs[0].parameters.binary_data_size, 16);
  const values = new Float32Array(binaryBody.buffer.slice(binaryBody.byteOffset + headLength, binaryBody.byteOffset + headLength + 16));
  assert.deepEqual([...values].map((v) => v.toFixed(5)), output.data.map((v: number) => Math.fround(v).toFixed(5)));

  // TF Serving REST: row and columnar forms, status and metadata.
  const rowReply = await postJson(`${base}/v1/models/cls:predict`, { instances: [nestedRow(0), nestedRow(0)] });
  assert.equal(rowReply.status, 200);
  assert.equal(rowReply.json.predictions.length, 2);
  assert.ok(Math.abs(rowReply.json.predictions[0][0] - output.data[0]) < 1e-5);
  const columnReply = await postJson(`${base}/v1/models/cls:predict`, { inputs: [nestedRow(0)] });
  assert.equal(columnReply.status, 200);
  assert.ok(Math.abs(columnReply.json.outputs[0][1] - output.data[1]) < 1e-5);
  const namedRows = await postJson(`${base}/v1/models/cls/versions/1:predict`, { instances: [{ x: nestedRow(0) }] });
  assert.equal(namedRows.status, 200);
  assert.equal(namedRows.headers.get(SERVER_TIMING_HEADERS.batchSize), '1');
  assert.equal(((await (await fetch(`${base}/v1/models/cls`)).json()) as any).model_version_status[0].state, 'AVAILABLE');
  const tfMeta = (await (await fetch(`${base}/v1/models/cls/metadata`)).json()) as any;
  assert.equal(tfMeta.metadata.signature_def.signature_def.serving_default.inputs.x.dtype, 'DT_FLOAT');

  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.equal(sample(metrics, 'servelab_requests_total{model="cls",protocol="kserve-http"}'), 1);
  assert.equal(sample(metrics, 'servelab_requests_total{model="cls",protocol="kserve-http-binary"}'), 1);
  assert.equal(sample(metrics, 'servelab_requests_total{model="cls",protocol="tfserving-http"}'), 3);
  assert.match(metrics, /# TYPE servelab_compute_seconds histogram/);
  assert.match(metrics, /servelab_queue_seconds_bucket\{model="cls",le="\+Inf"\} 5/);
  assert.match(metrics, /servelab_in_flight_requests\{model="cls"\} 0/);
  assert.match(metrics, /servelab_queue_depth\{model="cls"\} 0/);
});

test('bad HTTP input gets the matching status and a message naming the problem; the server keeps serving', async (t) => {
  const server = await startTestServer(t, { models: [cls], maxBodyBytes: 1024 * 1024 });
  const infer = `${server.httpUrl}/v2/models/cls/infer`;
  const expectError = async (url: string, body: unknown, status: number, message: RegExp) => {
    const reply = await postJson(url, body);
    assert.equal(reply.status, status, JSON.stringify(reply.json));
    assert.match(reply.json.error, message);
  };
  await expectError(`${server.httpUrl}/v2/models/nope/infer`, { inputs: [jsonInput(1)] }, 404, /unknown model 'nope'; this server serves: cls/);
  await expectError(`${server.httpUrl}/v1/models/nope:predict`, { instances: [1] }, 404, /unknown model 'nope'/);
  await expectError(infer, { inputs: [{ ...jsonInput(1), name: 'image' }] }, 400, /model 'cls' has no input 'image'; expected inputs: x \(FP32 \[-1, 3, -1, -1\]\)/);
  await expectError(infer, { inputs: [{ ...jsonInput(1), shape: [1, 48, 192, 3] }] }, 400, /input 'x' of model 'cls' must have shape \[-1, 3, -1, -1\].*got \[1, 48, 192, 3\]/);
  await expectError(infer, { inputs: [{ ...jsonInput(1), datatype: 'INT32', data: [1, 2] }] }, 400, /must have datatype FP32, but got INT32/);
  await expectError(infer, { inputs: [{ ...jsonInput(1), data: [1, 2, 3] }] }, 400, /has 3 elements, but its shape \[1, 3, 48, 192\] needs 27648/);
  await expectError(infer, '{"inputs": [', 400, /malformed JSON/);
  await expectError(infer, { inputs: [{ ...jsonInput(1), datatype: 'FLOAT' }] }, 400, /unknown datatype "FLOAT"/);
  await expectError(infer, { inputs: [jsonInput(1)], outputs: [{ name: 'logits' }] }, 400, /no output 'logits'/);
  await expectError(`${server.httpUrl}/v1/models/cls:predict`, { instances: [[1, 2], [3]] }, 400, /ragged/);
  await expectError(`${server.httpUrl}/v1/models/cls:predict`, { rows: [] }, 400, /"instances" \(row format\) or "inputs"/);

  // Over the body limit: 413.
  const big = await fetch(infer, { method: 'POST', body: Buffer.alloc(2 * 1024 * 1024, 32) });
  assert.equal(big.status, 413);
  assert.match(((await big.json()) as { error: string }).error, /exceeds the limit of 1048576 bytes/);

  // Truncated binary payload: fewer bytes than binary_data_size announces.
  const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'x', shape: [1, 3, 48, 192], datatype: 'FP32', parameters: { binary_data_size: 3 * 48 * 192 * 4 } }] }));
  const truncated = await fetch(infer, {
    method: 'POST',
    headers: { 'inference-header-content-length': String(header.length) },
    body: Buffer.concat([header, Buffer.alloc(1000)]),
  });
  assert.equal(truncated.status, 400);
  assert.match(((await truncated.json()) as { error: string }).error, /binary data truncated: binary_data_size 110592/);
  const badHeader = await fetch(infer, { method: 'POST', headers: { 'inference-header-content-length': '99999' }, body: header });
  assert.equal(badHeader.status, 400);

  const ok = await postJson(infer, { inputs: [jsonInput(1)] });
  assert.equal(ok.status, 200, 'still serving after every bad request');
  const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
  assert.ok(sample(metrics, 'servelab_request_failures_total{model="cls",reason="invalid-input"}') >= 4);
});
