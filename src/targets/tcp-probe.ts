import { connect } from 'node:net';
import { ServelabError } from '../core/errors.js';

/** Opens and closes one TCP connection, so "nothing listens there" is told apart from "speaks something else". */
export function probeTcp(host: string, port: number, target: string, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const fail = (detail: string): void => {
      socket.destroy();
      reject(new ServelabError(`target ${target} is unreachable: ${detail} (is the server running?)`, 'unavailable'));
    };
    const timer = setTimeout(() => fail(`no TCP connection within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      // Not end(): a half-close waits for the peer's FIN, and a peer that never closes (a listener that does
      // not accept) would keep the socket, and the process, alive forever.
      socket.destroy();
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(error.code === 'ECONNREFUSED' ? 'connection refused' : (error.code ?? error.message));
    });
  });
}
