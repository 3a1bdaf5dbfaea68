/**
 * The plain loopback endpoint the load-generator peers are measured against: node:http answering a KServe v2
 * infer request with a fixed small JSON response (and /v2 + model metadata so servelab's pre-flight passes).
 * Runs as its own process; prints `ready PORT`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const METADATA = JSON.stringify({
  name: 'echo',
  versions: ['1'],
  platform: 'bench',
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 4] }],
});
const SERVER = JSON.stringify({ name: 'bench-endpoint', version: '1', extensions: [] });
const INFER = JSON.stringify({ model_name: 'echo', outputs: [{ name: 'y', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] });

const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
  request.resume();
  request.on('end', () => {
    const body = request.url === '/v2' ? SERVER : request.url === '/v2/models/echo' ? METADATA : INFER;
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
});
server.listen(0, '127.0.0.1', () => console.log(`ready ${(server.address() as AddressInfo).port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
