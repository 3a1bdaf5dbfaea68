import { systemClock, type Clock } from '../core/clock.js';
import { parseServerConfig, resolveModelConfig, type ServerConfig, type ServerConfigInput } from './config.js';
import { ServerMetrics } from './metrics.js';
import { ModelSet } from './model-set.js';
import { startGrpcServer, type RunningGrpcServer } from './protocols/grpc/grpc-server.js';
import { startHttpServer } from './protocols/http/http-server.js';
import { requestLimitsOf } from './protocols/request-limits.js';
import { resolveModelSources, type ModelResolver } from './repository.js';
import { ServedModel } from './served-model.js';
import { instanceThreadsOf, pinIoThread } from './io-thread.js';
import { planThreadPlacement, type ThreadPlacement } from './engine/thread-placement.js';
import { allowedCpus, commandOnPath, formatCpuList } from '../knobs/cpus.js';
import { defaultModelResolver } from './zoo-resolver.js';

export {
  ServerConfigSchema,
  ModelConfigSchema,
  ModelConfigOverridesSchema,
  ModelEntrySchema,
  OrtOptionsSchema,
  BatchingConfigSchema,
  CacheConfigSchema,
  DEFAULT_MODEL_CONFIG,
  parseServerConfig,
  resolveModelConfig,
} from './config.js';
export type { ServerConfig, ServerConfigInput, ModelConfig, ModelConfigOverrides, ModelEntry, OrtOptions, BatchingConfig, CacheConfig } from './config.js';
export { applyServerKnobs, isServerKnob, SERVER_KNOBS, type ServerKnob } from './knobs.js';
export { KSERVE_PROTO_PATH, KSERVE_PROTO_OPTIONS } from './protocols/grpc/grpc-server.js';
export type { ModelResolver } from './repository.js';
export type { ThreadPlacement } from './engine/thread-placement.js';

export interface StartServerOptions {
  /** Finds models listed by name only (defaults to the zoo). */
  readonly resolver?: ModelResolver;
  readonly clock?: Clock;
}

/** What a model was asked for beside what the server applied, as `--print-config` shows it. */
export interface ModelReport {
  readonly name: string;
  readonly path: string;
  readonly requested: ServedModel['requested'];
  readonly applied: ServedModel['applied']['config'];
  readonly notes: readonly string[];
  readonly batchable: boolean;
  readonly inputs: ReturnType<ServedModel['metadata']>['inputs'];
  readonly outputs: ReturnType<ServedModel['metadata']>['outputs'];
  readonly loadMs: number;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8500 */
  readonly httpUrl: string;
  /** e.g. 127.0.0.1:8501, or null when gRPC is off. */
  readonly grpcAddress: string | null;
  readonly modelNames: readonly string[];
  readonly startupMs: number;
  readonly config: ServerConfig;
  readonly metrics: ServerMetrics;
  describe(): { requested: ServerConfig; applied: { host: string; httpPort: number; grpcPort: number | null; threadPlacement: ThreadPlacement; models: ModelReport[] } };
  /**
   * Stops accepting, lets in-flight requests finish, then ends every model instance. Connections still open
   * after drainTimeoutMs are destroyed (their requests fail) so that shutdown always ends.
   */
  close(): Promise<void>;
}

export async function startServer(input: ServerConfigInput | ServerConfig, options: StartServerOptions = {}): Promise<RunningServer> {
  const startedMs = performance.now();
  const config = parseServerConfig(input);
  const clock = options.clock ?? systemClock;
  const sources = await resolveModelSources(config, options.resolver ?? defaultModelResolver);
  const metrics = new ServerMetrics();
  const modelConfigs = sources.map((source) => resolveModelConfig(config.defaults, ...source.overrides));
  const planned = planThreadPlacement({ mode: config.threadPlacement, allowedCpus: allowedCpus(), instanceThreads: instanceThreadsOf(modelConfigs), canPin: commandOnPath('taskset') });
  const loaded = await Promise.allSettled(
    sources.map((source, index) => ServedModel.load(source.name, source.path, modelConfigs[index]!, metrics, clock, planned.separate ? planned.instanceCpus : undefined)),
  );
  const served = loaded.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = loaded.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    await Promise.all(served.map((model) => model.close()));
    throw failure.reason;
  }
  // The instance threads are placed (each pinned itself before its session started its threads): now the I/O thread.
  const ioThread = planned.separate && served.every((model) => model.instancesPinned) ? pinIoThread(planned.ioCpus) : null;
  const placement: ThreadPlacement = ioThread ? planned : planned.separate ? { ...planned, separate: false, reason: `not applied (a thread could not be pinned): ${planned.reason}` } : planned;
  metrics.threadPlacement.track({ separate: String(placement.separate), io_cpus: formatCpuList(placement.ioCpus), instance_cpus: formatCpuList(placement.instanceCpus) }, () => 1);
  const models = new ModelSet(new Map(served.map((model) => [model.name, model])), metrics);
  const limits = requestLimitsOf(config);
  const http = await startHttpServer(models, config.host, config.httpPort, limits);
  let grpc: RunningGrpcServer | null = null;
  try {
    if (config.grpcPort !== null) grpc = await startGrpcServer(models, config.host, config.grpcPort, limits);
  } catch (error) {
    ioThread?.restore();
    await http.close();
    await Promise.all(served.map((model) => model.close()));
    throw error;
  }
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  let closing: Promise<void> | null = null;
  return {
    httpUrl: `http://${hostForUrl}:${http.port}`,
    grpcAddress: grpc ? `${hostForUrl}:${grpc.port}` : null,
    modelNames: models.names,
    startupMs: performance.now() - startedMs,
    config,
    metrics,
    describe: () => ({
      requested: config,
      applied: {
        host: config.host,
        httpPort: http.port,
        grpcPort: grpc?.port ?? null,
        threadPlacement: placement,
        models: served.map((model) => ({
          name: model.name,
          path: model.path,
          requested: model.requested,
          applied: model.applied.config,
          notes: model.applied.notes,
          batchable: model.signature.batchable,
          inputs: model.metadata().inputs,
          outputs: model.metadata().outputs,
          loadMs: Math.round(model.loadMs),
        })),
      },
    }),
    close: () => {
      closing ??= (async () => {
        const drained = (async () => {
          const listenersClosed = Promise.all([http.close(), grpc?.close()]);
          await models.drain();
          // Connections still open after the drain only hold idle keep-alive sockets.
          const idle = setTimeout(() => http.destroyConnections(), Math.min(2000, config.drainTimeoutMs));
          await listenersClosed;
          clearTimeout(idle);
        })();
        // A client that never finishes its request (a trickled body) must not hold the process forever.
        let deadline: NodeJS.Timeout | undefined;
        const deadlinePassed = new Promise<void>((resolve) => {
          deadline = setTimeout(resolve, config.drainTimeoutMs);
        });
        const outcome = await Promise.race([drained.then(() => 'drained' as const), deadlinePassed.then(() => 'deadline' as const)]);
        clearTimeout(deadline);
        if (outcome === 'deadline') {
          console.error(`servelab: drain deadline of ${config.drainTimeoutMs} ms passed: closing the connections still open`);
          http.destroyConnections();
          grpc?.destroyConnections();
          // Requests cut off mid-body end at once; any still computing end with their batch.
          await drained;
        }
        await Promise.all(served.map((model) => model.close()));
        ioThread?.restore();
      })();
      return closing;
    },
  };
}
