/** The raw-socket HTTP/1.1 client: response framing, keep-alive reuse and recovery, cancellation, non-HTTP peers. */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { test, type TestContext } from 'node:test';
import { createCancelToken, cancel } from '../../src/targets/load-client.js';
import { buildRequest } from '../../src/targets/http-exchange.js';
import { HttpPool } from '../../src/targets/http-pool.js';

/** A TCP server that answers each request (one per \r\n\r\n-terminated GET) with `answer(index, socket)`. */
async function rawServer(t: TestContext, answer: (index: number, socket: Socket) => void): Promise<{ port: number; connections: () => number }> {
  let index = 0;
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      while (buffered.includes('\r\n\r\n')) {
        buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
        answer(index++, socket);
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  const port = (server.address() as { port: number }).port;
  return { port, connections: () => connections };
}

const get = (pool: HttpPool): Buffer => buildRequest('GET', '/x', `127.0.0.1:${pool.port}`, {});

test('reads Content-Length and chunked bodies, split across packets, and reuses the connection', async (t) => {
  const server = await rawServer(t, (index, socket) => {
    if (index % 2 === 0) {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-Servelab-Queue-Us: 5\r\n\r\nhello');
      setTimeout(() => socket.write(' world'), 5);
    } else {
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n');
      setTimeout(() => socket.write('6\r\n world\r\n0\r\n\r\n'), 5);
    }
  });
  const pool = new HttpPool('127.0.0.1', server.port);
  t.after(() => pool.close());
  for (let i = 0; i < 4; i++) {
    const response = await pool.request(get(pool));
    assert.equal(response.status, 200);
    assert.equal(response.body.toString(), 'hello world');
    if (i % 2 === 0) assert.equal(response.headers['x-servelab-queue-us'], '5');
  }
  assert.equal(server.connections(), 1);
});

test('a keep-alive connection the server closed is replaced, once, without failing the request', async (t) => {
  const server = await rawServer(t, (_index, socket) => {
    socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  });
  const pool = new HttpPool('127.0.0.1', server.port);
  t.after(() => pool.close());
  for (let i = 0; i < 3; i++) assert.equal((await pool.request(get(pool))).body.toString(), 'ok');
  assert.equal(server.connections(), 3);
});

test('Connection: close and error statuses come back as responses', async (t) => {
  const server = await rawServer(t, (_index, socket) => {
    socket.write('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy');
  });
  const pool = new HttpPool('127.0.0.1', server.port);
  t.after(() => pool.close());
  const response = await pool.request(get(pool));
  assert.equal(response.status, 503);
  assert.equal(response.body.toString(), 'busy');
  await pool.request(get(pool));
  assert.equal(server.connections(), 2);
});

test('a peer that does not speak HTTP/1.1 is a protocol error; a cancelled request is aborted', async (t) => {
  const garbage = await rawServer(t, (_index, socket) => socket.write('\x00\x00\x12\x04\x00\x00\x00\x00\x00'));
  const pool = new HttpPool('127.0.0.1', garbage.port);
  t.after(() => pool.close());
  await assert.rejects(pool.request(get(pool)), (error: Error & { kind?: string }) => error.kind === 'protocol' && /did not answer with HTTP\/1\.1/.test(error.message));

  const silent = await rawServer(t, () => {});
  const quiet = new HttpPool('127.0.0.1', silent.port);
  t.after(() => quiet.close());
  const token = createCancelToken();
  const pending = quiet.request(get(quiet), token);
  setTimeout(() => cancel(token), 20);
  await assert.rejects(pending, (error: Error & { kind?: string }) => error.kind === 'aborted');

  const refused = new HttpPool('127.0.0.1', 1);
  await assert.rejects(refused.request(get(refused)), (error: Error & { kind?: string }) => error.kind === 'connection' && /ECONNREFUSED/.test(error.message));
});

test('beyond the connection cap requests wait for a free connection', async (t) => {
  const server = await rawServer(t, (_index, socket) => {
    setTimeout(() => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), 10);
  });
  const pool = new HttpPool('127.0.0.1', server.port, { maxConnections: 2 });
  t.after(() => pool.close());
  const responses = await Promise.all(Array.from({ length: 6 }, () => pool.request(get(pool))));
  assert.ok(responses.every((response) => response.status === 200));
  assert.equal(server.connections(), 2);
});
