import { parentPort, workerData } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import ort from 'onnxruntime-node';
import { datatypeFromOrt, ORT_TYPE, type TensorData } from '../../core/tensor.js';
import type { OrtTensorMetadata, SessionWorkerData, WireTensor, WorkerReply, WorkerRequest } from './messages.js';
import { currentThreadId, pinThread } from './thread-placement.js';

/**
 * One ONNX Runtime session in its own thread: session.run blocks its thread for the whole inference,
 * so it must never run on the server's I/O thread.
 */
const port = parentPort;
if (!port) throw new Error('session-worker must run in a worker thread');
const { modelPath, ort: options, cpus } = workerData as SessionWorkerData;
// Before the session exists: the ORT threads it starts inherit this thread's CPUs.
const threadId = cpus ? currentThreadId() : null;
const pinned = cpus !== undefined && threadId !== null && pinThread(threadId, cpus);

function post(reply: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(reply, transfer);
}

function metadataOf(list: readonly ort.InferenceSession.ValueMetadata[]): OrtTensorMetadata[] {
  return list.map((value) => {
    if (!value.isTensor) throw new Error(`model value '${value.name}' is not a tensor; only tensor inputs and outputs are served`);
    return { name: value.name, ortType: value.type, dims: [...value.shape] };
  });
}

let session: ort.InferenceSession;
try {
  const startedMs = performance.now();
  session = await ort.InferenceSession.create(modelPath, {
    // 0 = one thread per CPU this process may use: ONNX Runtime's own default counts the machine's cores, so a
    // server confined to one CPU would run two spinning threads on it.
    intraOpNumThreads: options.intraOpThreads === 0 ? availableParallelism() : options.intraOpThreads,
    interOpNumThreads: options.interOpThreads,
    executionMode: options.executionMode,
    graphOptimizationLevel: options.graphOptimizationLevel,
    enableCpuMemArena: options.enableCpuMemArena,
    enableMemPattern: options.enableMemPattern,
    // Session config entries (onnxruntime_session_options_config_keys.h), flattened by the binding.
    extra: { session: { intra_op: { allow_spinning: options.allowSpinning ? '1' : '0' }, inter_op: { allow_spinning: options.allowSpinning ? '1' : '0' } } },
  });
  post({
    type: 'ready',
    inputs: metadataOf(session.inputMetadata),
    outputs: metadataOf(session.outputMetadata),
    loadMs: performance.now() - startedMs,
    pinned,
  });
} catch (error) {
  post({ type: 'load-failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(0);
}

// Runs are serialized: a batch that arrives while another runs waits for it (prefetched full batches).
let previous: Promise<void> = Promise.resolve();
port.on('message', (request: WorkerRequest) => {
  previous = previous.then(() => run(request));
});

async function run(request: WorkerRequest): Promise<void> {
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const feed of request.feeds) {
      feeds[feed.name] = new ort.Tensor(ORT_TYPE[feed.datatype] as 'float32', feed.data as Float32Array, [...feed.shape]);
    }
    const waitUs = Math.max(0, (performance.timeOrigin + performance.now() - request.sentAtEpochMs) * 1000);
    const startedNs = process.hrtime.bigint();
    const results = await session.run(feeds);
    const computeUs = Number(process.hrtime.bigint() - startedNs) / 1000;
    const outputs: WireTensor[] = [];
    const transfer = new Set<ArrayBuffer>();
    for (const name of session.outputNames) {
      const tensor = results[name];
      if (!tensor) continue;
      const data = tensor.data as TensorData;
      if (!Array.isArray(data) && data.buffer instanceof ArrayBuffer) transfer.add(data.buffer);
      outputs.push({ name, datatype: datatypeFromOrt(tensor.type), shape: [...tensor.dims], data });
    }
    post({ type: 'result', id: request.id, outputs, computeUs, waitUs, postedAtEpochMs: performance.timeOrigin + performance.now() }, [...transfer]);
  } catch (error) {
    post({ type: 'run-failed', id: request.id, message: error instanceof Error ? error.message : String(error) });
  }
}
