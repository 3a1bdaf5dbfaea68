/**
 * The plain loopback endpoint the load-generator peers are measured against: node:http answering every KServe v2
 * infer request with a fixed small JSON response, without inference (and /v2 + model metadata so servelab's
 * pre-flight passes; the declared input is MNIST-shaped so the mnist-digits workload fits). Runs as its own
 * process; prints `ready PORT`. An optional argument delays every infer answer by that many ms (a stand-in
 * service time, so latencies sit well above autocannon's 1 ms reporting resolution).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const METADATA = JSON.stringify({
  name: 'echo',
  versions: ['1'],
  platform: 'bench',
  inputs: [{ name: 'image', datatype: 'FP32', shape: [-1, 1, 28, 28] }],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 10] }],
});
const SERVER = JSON.stringify({ name: 'bench-endpoint', version: '1', extensions: [] });
const INFER = JSON.stringify({ model_name: 'echo', outputs: [{ name: 'y', datatype: 'FP32', shape: [1, 10], data: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0] }] });

const delayMs = Number(process.argv[2] ?? 0);

const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
  request.resume();
  request.on('end', () => {
    const body = request.url === '/v2' ? SERVER : request.url === '/v2/models/echo' ? METADATA : INFER;
    const reply = (): void => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    };
    if (delayMs > 0 && body === INFER) setTimeout(reply, delayMs);
    else reply();
  });
});
server.listen(0, '127.0.0.1', () => console.log(`ready ${(server.address() as AddressInfo).port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
