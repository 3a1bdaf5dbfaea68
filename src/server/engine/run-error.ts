import { ServelabError } from '../../core/errors.js';

/**
 * ONNX Runtime messages that mean the input, not the server, is at fault: the request passed the signature
 * check but holds values or extents the graph cannot take (a token id beyond the vocabulary, a length beyond
 * a positional table, shapes a node cannot broadcast or reshape).
 */
const CLIENT_CAUSED_PATTERNS: readonly RegExp[] = [
  /out of (data )?bounds/i, // Gather, Scatter: "indices element out of data bounds, idx=… must be within …"
  /must be within (the inclusive )?(range|bounds)/i,
  /out of range/i,
  /invalid indice/i, // GatherND
  /invalid dimensions for input/i,
  /invalid rank for input/i,
  /unexpected input data type/i,
  /incompatible dimensions/i,
  /broadcast an axis/i, // element-wise ops: "Attempting to broadcast an axis by a dimension other than 1. 153 by 459"
  /dimension mismatch/i, // MatMul
  /cannot be reshaped/i, // Reshape: "The input tensor cannot be reshaped to the requested shape"
  /dimensions must match/i, // Concat: "Non concat axis dimensions must match"
];

/** Resource failures stay the server's problem even when their text mentions a range or a dimension. */
const SERVER_CAUSED_PATTERNS: readonly RegExp[] = [/alloc/i, /out of memory/i];

export function isClientCausedRunMessage(runtimeMessage: string): boolean {
  if (SERVER_CAUSED_PATTERNS.some((pattern) => pattern.test(runtimeMessage))) return false;
  return CLIENT_CAUSED_PATTERNS.some((pattern) => pattern.test(runtimeMessage));
}

/**
 * session.run raised for a batch (the session and its worker are fine): 'invalid-input' when the runtime's
 * message blames the input, 'internal' otherwise. A batch that fails this way can be split and retried.
 */
export class InferenceRunError extends ServelabError {
  constructor(readonly runtimeMessage: string) {
    super(
      isClientCausedRunMessage(runtimeMessage) ? `the model cannot run on this input: ${runtimeMessage}` : `inference failed: ${runtimeMessage}`,
      isClientCausedRunMessage(runtimeMessage) ? 'invalid-input' : 'internal',
    );
  }
}

export function isInferenceRunError(error: unknown): error is InferenceRunError {
  return error instanceof InferenceRunError;
}
