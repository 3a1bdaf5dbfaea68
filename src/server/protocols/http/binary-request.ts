import type { IncomingMessage } from 'node:http';
import { BYTES_PER_ELEMENT, elementCount, type Tensor, type TensorData } from '../../../core/tensor.js';
import { ServelabError } from '../../../core/errors.js';
import type { BodyCharge } from '../../body-budget.js';
import { allocateUninitialized } from '../../tensor-memory.js';
import { typedFromBytes } from '../json-tensors.js';
import { HttpError } from './http-error.js';
import {
  extraBinaryError,
  headerLengthError,
  inputLabel,
  parseKserveHeader,
  truncatedBinaryError,
  type KserveInferHeader,
  type KserveInferRequest,
  type KserveInputHead,
} from './kserve-codec.js';

/**
 * The binary tensor fast path: a KServe v2 request with Inference-Header-Content-Length is read once, straight
 * into its tensors. The JSON header is parsed as soon as its bytes are in; each binary input then gets memory of
 * its own (a whole ArrayBuffer, aligned), and the body's bytes are copied from the socket's chunks into it, so
 * the input tensor is that memory: no concatenated body, no second copy, and it moves to the instance thread by
 * transfer instead of a structured-clone copy. Limits and errors are those of the buffered path (read-body.ts,
 * parseKserveInfer): 413 over maxBodyBytes, the body budget, and the same messages for a malformed payload.
 */
export interface BinaryRequestRead {
  readonly request: KserveInferRequest;
  /** Time spent parsing the header and building the tensors (inside the read). */
  readonly parseUs: number;
}

/** Where one binary input's bytes go. */
interface BinaryTarget {
  readonly head: Extract<KserveInputHead, { binarySize: number }>;
  readonly bytes: Uint8Array;
  /** The tensor data over `bytes`, when the size matched the shape (else decoded at the end, which reports why not). */
  readonly data: TensorData | null;
  filled: number;
}

export function readKserveBinaryRequest(request: IncomingMessage, headerLength: number, maxBytes: number, charge: BodyCharge): Promise<BinaryRequestRead> {
  const declared = Number(request.headers['content-length']);
  const hasDeclared = Number.isFinite(declared);
  if (hasDeclared && declared > maxBytes) {
    return Promise.reject(new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${maxBytes} bytes (maxBodyBytes)`));
  }
  const badHeaderLength = !Number.isInteger(headerLength) || headerLength < 0 || (hasDeclared && headerLength > declared);
  if (!hasDeclared && !badHeaderLength && headerLength > maxBytes) {
    return Promise.reject(new HttpError(413, `Inference-Header-Content-Length ${headerLength} exceeds the body limit of ${maxBytes} bytes (maxBodyBytes)`));
  }
  try {
    // The header's memory is taken before its bytes arrive: a chunked body has it charged first.
    charge.holdAtLeast(hasDeclared ? declared : badHeaderLength ? 0 : headerLength);
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise((resolve, reject) => {
    let parseUs = 0;
    let received = 0;
    let settled = false;
    // A payload found malformed is still read to its end (and discarded), so the connection stays usable, as on the buffered path.
    let malformed: unknown = null;
    const header = badHeaderLength ? Buffer.alloc(0) : Buffer.allocUnsafe(headerLength);
    let headerFilled = 0;
    let parsed: KserveInferHeader | null = null;
    let targets: BinaryTarget[] = [];
    let current = 0;
    let extraBytes = 0;

    const finish = (outcome: () => BinaryRequestRead): void => {
      if (settled) return;
      settled = true;
      try {
        resolve(outcome());
      } catch (error) {
        reject(error);
      }
    };
    const refuse = (error: unknown): void => {
      if (settled) return;
      settled = true;
      request.removeAllListeners('data');
      request.resume();
      reject(error);
    };
    const timed = <T>(work: () => T): T => {
      const startedMs = performance.now();
      try {
        return work();
      } finally {
        parseUs += (performance.now() - startedMs) * 1000;
      }
    };
    const headerComplete = (): void => {
      parsed = parseKserveHeader(header, true);
      targets = binaryTargets(parsed.heads);
      const binaryBytes = targets.reduce((sum, target) => sum + target.head.binarySize, 0);
      if (hasDeclared) {
        checkDeclaredLength(targets, headerLength, declared);
      } else {
        // Without a Content-Length the binary sizes are only claims: hold them against the limits before allocating.
        if (headerLength + binaryBytes > maxBytes) throw new HttpError(413, `request body exceeds the limit of ${maxBytes} bytes (maxBodyBytes)`);
        charge.holdAtLeast(headerLength + binaryBytes);
      }
      targets = targets.map(allocateTarget);
    };
    /** Copies a chunk's bytes into the header, then into the inputs in order. */
    const place = (chunk: Buffer): void => {
      let offset = 0;
      if (headerFilled < headerLength) {
        const take = Math.min(headerLength - headerFilled, chunk.length);
        chunk.copy(header, headerFilled, 0, take);
        headerFilled += take;
        offset = take;
        if (headerFilled < headerLength) return;
      }
      if (parsed === null) timed(headerComplete);
      while (offset < chunk.length) {
        const target = targets[current];
        if (!target) {
          extraBytes += chunk.length - offset;
          return;
        }
        const take = Math.min(target.bytes.length - target.filled, chunk.length - offset);
        target.bytes.set(chunk.subarray(offset, offset + take), target.filled);
        target.filled += take;
        offset += take;
        if (target.filled === target.bytes.length) current++;
      }
    };

    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) return refuse(new HttpError(413, `request body exceeds the limit of ${maxBytes} bytes (maxBodyBytes)`));
      try {
        charge.holdAtLeast(received);
      } catch (error) {
        return refuse(error);
      }
      if (malformed !== null || badHeaderLength) return;
      try {
        place(chunk);
      } catch (error) {
        if (error instanceof HttpError || (error instanceof ServelabError && error.code === 'resource-exhausted')) return refuse(error);
        malformed = error;
      }
    });
    request.on('end', () =>
      finish(() => {
        if (malformed !== null) throw malformed;
        if (badHeaderLength || headerFilled < headerLength) throw headerLengthError(headerLength, received);
        if (parsed === null) timed(headerComplete);
        if (extraBytes > 0) throw extraBinaryError(extraBytes);
        const { heads, ...rest } = parsed!;
        const inputs = timed(() => tensorsOf(heads, targets, headerLength, received));
        return { request: { ...rest, inputs }, parseUs };
      }),
    );
    const incomplete = (): void => {
      if (settled) return;
      settled = true;
      reject(new ServelabError(`request body incomplete: the connection closed after ${received} bytes`));
    };
    request.on('error', incomplete);
    request.on('close', () => {
      if (!request.complete) incomplete();
    });
  });
}

function binaryTargets(heads: readonly KserveInputHead[]): BinaryTarget[] {
  return heads.flatMap((head) => ('binarySize' in head ? [{ head, bytes: new Uint8Array(0), data: null, filled: 0 }] : []));
}

/** With a declared Content-Length, the binary sizes must add up to the body exactly: checked before any allocation. */
function checkDeclaredLength(targets: readonly BinaryTarget[], headerLength: number, declared: number): void {
  let end = headerLength;
  for (const { head } of targets) {
    end += head.binarySize;
    if (end > declared) throw truncatedBinaryError(head.name, head.binarySize, end, declared);
  }
  if (end !== declared) throw extraBinaryError(declared - end);
}

/** Memory of the input's own: the tensor itself when the size fits the shape, else plain bytes for the decoder to judge. */
function allocateTarget(target: BinaryTarget): BinaryTarget {
  const { head } = target;
  if (head.datatype !== 'BYTES' && head.binarySize === elementCount(head.shape) * BYTES_PER_ELEMENT[head.datatype]) {
    const data = allocateUninitialized(head.datatype, elementCount(head.shape)) as Exclude<TensorData, string[]>;
    return { head, bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), data, filled: 0 };
  }
  return { head, bytes: Buffer.allocUnsafe(head.binarySize), data: null, filled: 0 };
}

function tensorsOf(heads: readonly KserveInputHead[], targets: readonly BinaryTarget[], headerLength: number, received: number): Tensor[] {
  let end = headerLength;
  for (const target of targets) {
    end += target.head.binarySize;
    if (target.filled < target.bytes.length) throw truncatedBinaryError(target.head.name, target.head.binarySize, end, received);
  }
  let next = 0;
  return heads.map((head): Tensor => {
    if ('data' in head) return head;
    const target = targets[next++]!;
    const data = target.data ?? typedFromBytes(target.bytes, head.datatype, head.shape, inputLabel(head.name));
    return { name: head.name, datatype: head.datatype, shape: head.shape, data };
  });
}
