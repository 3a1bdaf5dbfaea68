import { ServelabError } from '../../core/errors.js';

/**
 * Deepest nesting of arrays and objects a request body may have. A KServe or TF Serving request nests
 * three levels around its tensors (body, list of inputs or instances, input) plus one per tensor axis, so
 * 64 leaves room for any real tensor, while JSON.parse of millions of levels blocks the I/O thread for
 * seconds and then overflows the stack.
 */
export const MAX_JSON_DEPTH = 64;

const OPEN = 1;
const CLOSE = 2;
const QUOTE = 3;
/** Byte class: brackets and braces open or close a level, a quote starts a string (skipped). */
const BYTE_CLASS = new Uint8Array(256);
BYTE_CLASS[0x5b] = OPEN; // [
BYTE_CLASS[0x7b] = OPEN; // {
BYTE_CLASS[0x5d] = CLOSE; // ]
BYTE_CLASS[0x7d] = CLOSE; // }
BYTE_CLASS[0x22] = QUOTE; // "

/**
 * Throws when the JSON text nests deeper than maxDepth, counting brackets outside strings in one linear
 * pass over the bytes; it stops at the first level too deep, so a hostile body is refused at once.
 * Malformed JSON passes through for JSON.parse to report.
 */
export function assertJsonDepth(bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH): void {
  let depth = 0;
  const length = bytes.length;
  for (let index = 0; index < length; index++) {
    const kind = BYTE_CLASS[bytes[index]!];
    if (kind === 0) continue;
    if (kind === OPEN) {
      if (++depth > maxDepth) {
        throw new ServelabError(`request JSON nests deeper than the limit of ${maxDepth} levels of arrays and objects (byte ${index}); send tensors as flat or shallow arrays`);
      }
    } else if (kind === CLOSE) {
      depth--;
    } else {
      // Skip the string; a backslash escapes the byte after it (multi-byte UTF-8 never holds a quote or backslash byte).
      for (index++; index < length; index++) {
        const byte = bytes[index]!;
        if (byte === 0x5c) index++;
        else if (byte === 0x22) break;
      }
    }
  }
}

/** Parses a request body's JSON after checking its nesting depth. */
export function parseRequestJson(bytes: Uint8Array): unknown {
  assertJsonDepth(bytes);
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (error) {
    throw new ServelabError(`malformed JSON in the request body: ${error instanceof Error ? error.message : String(error)}`);
  }
}
