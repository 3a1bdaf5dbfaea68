/** The raw-socket HTTP/1.1 client: response framing, keep-alive reuse and recovery, cancellation, non-HTTP peers. */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { test, type TestContext } from 'node:test';
import { createCancelToken, cancel } from '../../../src/targets/load-client.js';
import { buildRequest } from '../../../src/targets/http-exchange.js';
import { HttpPool } from '../../../src/targets/http-pool.js';

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

/** Counts the bytes Buffer.concat copies while installed; past the budget it calls onOverBudget once. */
function watchConcat(t: TestContext, budgetBytes: number, onOverBudget: () => void): { copiedBytes: () => number } {
  const original = Buffer.concat;
  let copied = 0;
  let over = false;
  Buffer.concat = ((list: readonly Uint8Array[], totalLength?: number) => {
    const joined = original(list, totalLength);
    copied += joined.length;
    if (copied > budgetBytes && !over) {
      over = true;
      onOverBudget();
    }
    return joined;
  }) as typeof Buffer.concat;
  t.after(() => void (Buffer.concat = original));
  return { copiedBytes: () => copied };
}

/** Writes the pieces in order, waiting for the socket to drain, so the client receives many small chunks. */
async function writeAll(socket: Socket, pieces: Iterable<Buffer | string>): Promise<void> {
  for (const piece of pieces) {
    if (socket.destroyed) return;
    if (!socket.write(piece)) await new Promise((resolve) => socket.once('drain', resolve));
  }
}

function patternBody(bytes: number): Buffer {
  const body = Buffer.allocUnsafe(bytes);
  for (let i = 0; i < bytes; i++) body[i] = (i * 31 + (i >>> 16)) & 0xff;
  return body;
}

function* slices(body: Buffer, sliceBytes: number): Generator<Buffer> {
  for (let offset = 0; offset < body.length; offset += sliceBytes) yield body.subarray(offset, offset + sliceBytes);
}

test('a 64 MB body in small chunks is read correctly with one copy (reading is linear in the body size)', async (t) => {
  const body = patternBody(64 * 1024 * 1024);
  let serverSocket: Socket | undefined;
  const server = await rawServer(t, (_index, socket) => {
    serverSocket = socket;
    socket.setNoDelay(true);
    void writeAll(socket, [`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`, ...slices(body, 16 * 1024)]);
  });
  // Joining once copies the body once; joining on every chunk (quadratic) copies it thousands of times.
  const concat = watchConcat(t, 2 * body.length, () => serverSocket?.destroy());
  const pool = new HttpPool('127.0.0.1', server.port);
  t.after(() => pool.close());
  const response = await pool.request(get(pool)).catch((error: Error) => assert.fail(`${error.message}; Buffer.concat copied ${concat.copiedBytes()} bytes`));
  assert.equal(response.body.length, body.length);
  assert.ok(response.body.equals(body), 'body bytes arrive intact and in order');
  assert.ok(concat.copiedBytes() <= 2 * body.length, `Buffer.concat copied ${concat.copiedBytes()} bytes for a ${body.length}-byte body`);
});

test('a 16 MB chunked body in 4 KiB chunks is decoded correctly with one copy', async (t) => {
  const body = patternBody(16 * 1024 * 1024);
  let serverSocket: Socket | undefined;
  const server = await rawServer(t, (index, socket) => {
    if (index > 0) {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      return;
    }
    serverSocket = socket;
    socket.setNoDelay(true);
    const framed = function* (): Generator<Buffer | string> {
      yield 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
      for (const slice of slices(body, 4096)) yield Buffer.concat([Buffer.from(`${slice.length.toString(16)};ext=1\r\n`), slice, Buffer.from('\r\n')]);
      yield '0\r\nx-trailer: done\r\n\r\n';
    };
    void writeAll(socket, framed());
  });
  const concat = watchConcat(t, 3 * body.length, () => serverSocket?.destroy());
  const pool = new HttpPool('127.0.0.1', server.port);
  t.after(() => pool.close());
  const response = await pool.request(get(pool)).catch((error: Error) => assert.fail(`${error.message}; Buffer.concat copied ${concat.copiedBytes()} bytes`));
  assert.ok(response.body.equals(body), 'chunk data arrives intact and in order');
  // The server's own framing copies each chunk once; the client's join copies the body once more.
  assert.ok(concat.copiedBytes() <= 3 * body.length, `Buffer.concat copied ${concat.copiedBytes()} bytes for a ${body.length}-byte body`);
  // The connection stays usable after the trailers.
  assert.equal((await pool.request(get(pool))).body.toString(), 'ok');
  assert.equal(server.connections(), 1);
});

test('a malformed chunk size is a protocol error, not a wait for more bytes', { timeout: 20_000 }, async (t) => {
  const server = await rawServer(t, (_index, socket) => {
    socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n');
  });
  const pool = new HttpPool('127.0.0.1', server.port);
  t.after(() => pool.close());
  await assert.rejects(pool.request(get(pool)), (error: Error & { kind?: string }) => error.kind === 'protocol' && /bad chunk size line "zz"/.test(error.message));
});
