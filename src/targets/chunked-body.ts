/**
 * An incremental decoder of a chunked HTTP/1.1 body: each network chunk is parsed once as it arrives and the
 * chunk data is kept as slices, joined in one copy at the end, so reading a body costs time linear in its size
 * however finely the network splits it.
 */

/** Longest chunk-size line (hex size plus extensions) or trailer line accepted. */
const MAX_LINE_BYTES = 8192;

export class ChunkedBodyDecoder {
  readonly #parts: Buffer[] = [];
  #bodyBytes = 0;
  /** Bytes of the current size or trailer line that arrived in an earlier network chunk. */
  #line: Buffer | null = null;
  /** Data bytes (then the CRLF after them) still owed by the current chunk. */
  #dataLeft = 0;
  #crlfLeft = 0;
  #inTrailers = false;
  #done = false;
  /** Bytes after the end of the message (a server that sent more than it was asked). */
  extraBytes = 0;

  get done(): boolean {
    return this.#done;
  }

  /** Consumes one network chunk; returns an error message for a malformed body, else null. */
  push(chunk: Buffer): string | null {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#done) {
        this.extraBytes += chunk.length - offset;
        return null;
      }
      if (this.#dataLeft > 0) {
        const take = Math.min(this.#dataLeft, chunk.length - offset);
        this.#parts.push(chunk.subarray(offset, offset + take));
        this.#bodyBytes += take;
        this.#dataLeft -= take;
        offset += take;
        continue;
      }
      if (this.#crlfLeft > 0) {
        const take = Math.min(this.#crlfLeft, chunk.length - offset);
        this.#crlfLeft -= take;
        offset += take;
        continue;
      }
      const lineEnd = chunk.indexOf(0x0a, offset);
      const piece = chunk.subarray(offset, lineEnd < 0 ? chunk.length : lineEnd + 1);
      offset += piece.length;
      this.#line = this.#line ? Buffer.concat([this.#line, piece]) : piece;
      if (this.#line.length > MAX_LINE_BYTES) return `chunked body line longer than ${MAX_LINE_BYTES} bytes`;
      if (lineEnd < 0) continue;
      const line = this.#line.toString('latin1').replace(/\r?\n$/, '');
      this.#line = null;
      const problem = this.#onLine(line);
      if (problem) return problem;
    }
    return null;
  }

  /** The whole body, joined once (call when done). */
  body(): Buffer {
    return this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts, this.#bodyBytes);
  }

  #onLine(line: string): string | null {
    if (this.#inTrailers) {
      if (line === '') this.#done = true;
      return null;
    }
    const sizeText = line.split(';', 1)[0]!.trim();
    const size = /^[0-9a-fA-F]+$/.test(sizeText) ? parseInt(sizeText, 16) : Number.NaN;
    if (!Number.isSafeInteger(size)) return `chunked body has a bad chunk size line ${JSON.stringify(line.slice(0, 40))}`;
    if (size === 0) this.#inTrailers = true;
    else {
      this.#dataLeft = size;
      this.#crlfLeft = 2;
    }
    return null;
  }
}
