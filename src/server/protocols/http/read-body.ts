import type { IncomingMessage } from 'node:http';
import { ServelabError } from '../../../core/errors.js';
import type { BodyCharge } from '../../body-budget.js';
import { HttpError } from './http-error.js';

/**
 * Reads a request body up to maxBytes (over it: 413, checked on Content-Length first), charging its bytes to
 * the server-wide body budget as they arrive (a declared Content-Length is charged up front): over the budget
 * is a 503. A body refused half-read is left unread; the server then closes the connection.
 */
export function readBody(request: IncomingMessage, maxBytes: number, charge: BodyCharge): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${maxBytes} bytes (maxBodyBytes)`));
  }
  try {
    if (Number.isFinite(declared)) charge.holdAtLeast(declared);
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const refuse = (error: unknown): void => {
      request.removeAllListeners('data');
      request.resume();
      reject(error);
    };
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        refuse(new HttpError(413, `request body exceeds the limit of ${maxBytes} bytes (maxBodyBytes)`));
        return;
      }
      try {
        charge.holdAtLeast(received);
      } catch (error) {
        refuse(error);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received)));
    // A connection closed mid-body (by the client, or destroyed at the drain deadline) ends the request.
    const incomplete = (): void => reject(new ServelabError(`request body incomplete: the connection closed after ${received} bytes`));
    request.on('error', incomplete);
    request.on('close', () => {
      if (!request.complete) incomplete();
    });
  });
}
