// Echo server for bench/server-http-stack.ts: `tsx bench/server-http-echo.ts node|fastify` prints its port.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';

const stack = process.argv[2];
if (stack === 'fastify') {
  const app = Fastify({ bodyLimit: 64 * 1024 * 1024 });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.post('/echo', async (request, reply) => reply.header('content-type', 'application/octet-stream').send(request.body as Buffer));
  await app.listen({ port: 0, host: '127.0.0.1' });
  console.log((app.server.address() as AddressInfo).port);
} else {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
      response.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => console.log((server.address() as AddressInfo).port));
}
