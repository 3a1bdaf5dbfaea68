import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { parseDurationMs } from '../../core/duration.js';
import { ServelabError, errorMessage } from '../../core/errors.js';
import { parseServerConfig, startServer, type ServerConfig } from '../../server/index.js';
import { emitJson } from '../output.js';

interface ServeOptions {
  models?: string;
  modelRepository?: string;
  config?: string;
  port?: string;
  grpcPort?: string;
  host?: string;
  printConfig?: boolean;
  maxBodyBytes?: string;
  maxInflightBodyBytes?: string;
  maxRequestBatchSize?: string;
  maxRequestTensorBytes?: string;
  drainTimeout?: string;
}

function parsePort(value: string, flag: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ServelabError(`${flag} must be a port number 0-65535 (0 = any free port), but got '${value}'`);
  return port;
}

const BYTE_MULTIPLE: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** A byte count: '1048576', or with a binary multiple '64M', '256MiB', '1g'. */
function parseByteCount(value: string, flag: string): number {
  const match = /^\s*(\d+)\s*(?:([kmg])(?:i?b)?|b)?\s*$/i.exec(value);
  if (!match) throw new ServelabError(`${flag} must be a byte count such as 1048576, 64M or 256MiB, but got '${value}'`);
  return Number(match[1]) * BYTE_MULTIPLE[(match[2] ?? '').toLowerCase()]!;
}

function parsePositiveInteger(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new ServelabError(`${flag} must be a positive integer, but got '${value}'`);
  return number;
}

/** Seconds ('30', '0.2'), or a duration with its unit ('500ms', '2m'); returns milliseconds. */
function parseDrainTimeoutMs(value: string): number {
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  return Math.round(parseDurationMs(value, '--drain-timeout (seconds, or a duration such as 500ms)'));
}

function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ServelabError(`cannot read server configuration '${path}': ${errorMessage(error)}`, 'not-found');
  }
  try {
    return parseYaml(text) ?? {};
  } catch (error) {
    throw new ServelabError(`cannot parse server configuration '${path}': ${errorMessage(error)}`);
  }
}

/** The effective configuration: the file, then the flags on top. */
export function serveConfigFromOptions(options: ServeOptions): ServerConfig {
  const base = parseServerConfig(options.config ? readConfigFile(options.config) : {}, options.config ? `server configuration ${options.config}` : undefined);
  const models = options.models
    ? options.models
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
        .map((item) => {
          const existing = base.models.find((entry) => entry.name === item);
          if (existing) return existing;
          return extname(item) === '.onnx' ? { name: basename(item, '.onnx'), path: item } : { name: item };
        })
    : base.models;
  return parseServerConfig({
    ...base,
    models,
    ...(options.modelRepository ? { modelRepository: options.modelRepository } : {}),
    ...(options.host ? { host: options.host } : {}),
    ...(options.port !== undefined ? { httpPort: parsePort(options.port, '--port') } : {}),
    ...(options.grpcPort !== undefined ? { grpcPort: options.grpcPort === 'off' ? null : parsePort(options.grpcPort, '--grpc-port') } : {}),
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: parseByteCount(options.maxBodyBytes, '--max-body-bytes') } : {}),
    ...(options.maxInflightBodyBytes !== undefined ? { maxInFlightBodyBytes: parseByteCount(options.maxInflightBodyBytes, '--max-inflight-body-bytes') } : {}),
    ...(options.maxRequestBatchSize !== undefined ? { maxRequestBatchSize: parsePositiveInteger(options.maxRequestBatchSize, '--max-request-batch-size') } : {}),
    ...(options.maxRequestTensorBytes !== undefined ? { maxRequestTensorBytes: parseByteCount(options.maxRequestTensorBytes, '--max-request-tensor-bytes') } : {}),
    ...(options.drainTimeout !== undefined ? { drainTimeoutMs: parseDrainTimeoutMs(options.drainTimeout) } : {}),
  });
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve ONNX models over KServe v2 (HTTP JSON/binary, gRPC) and TF Serving REST, with batching, instances and cache knobs.')
    .option('--models <list>', 'comma-separated model names (zoo) or .onnx paths')
    .option('--model-repository <dir>', 'folder with one subfolder per model (model.onnx + optional config.yaml)')
    .option('--config <file>', 'server configuration (YAML); flags override it')
    .option('--port <port>', 'HTTP port (0 = any free port; default 8500)')
    .option('--grpc-port <port>', "gRPC port (0 = any free port, 'off' = no gRPC; default 8501)")
    .option('--host <host>', 'address to bind (default 127.0.0.1)')
    .option('--max-body-bytes <bytes>', 'largest request body, e.g. 64M (default 64 MiB; larger: 413 / RESOURCE_EXHAUSTED)')
    .option('--max-inflight-body-bytes <bytes>', 'request bodies held at once across all connections (default 256M; beyond: 503 / RESOURCE_EXHAUSTED)')
    .option('--max-request-batch-size <rows>', 'most rows one request may carry, batching on or off (default 256; more: 400 / INVALID_ARGUMENT)')
    .option('--max-request-tensor-bytes <bytes>', "largest total of one request's input tensors (default 32M; more: 400 / INVALID_ARGUMENT)")
    .option('--drain-timeout <seconds>', 'on SIGTERM/SIGINT, close connections still open after this long and exit (default 30)')
    .option('--print-config', 'load the models, print the requested and applied configuration as JSON, and exit')
    .action(async (options: ServeOptions) => {
      const config = serveConfigFromOptions(options);
      if (options.printConfig) {
        const server = await startServer({ ...config, httpPort: 0, grpcPort: config.grpcPort === null ? null : 0 });
        const { applied } = server.describe();
        await server.close();
        emitJson({ requested: config, applied: { ...applied, httpPort: config.httpPort, grpcPort: config.grpcPort } });
        return;
      }
      const server = await startServer(config);
      const ready = {
        http: server.httpUrl,
        grpc: server.grpcAddress,
        models: server.modelNames,
        startupMs: Math.round(server.startupMs),
        threadPlacement: server.describe().applied.threadPlacement.reason,
      };
      process.stdout.write(`ready ${JSON.stringify(ready)}\n`);
      for (const model of server.describe().applied.models) {
        for (const note of model.notes) console.error(`servelab: ${model.name}: ${note}`);
      }
      await new Promise<void>((resolve) => {
        const stop = (signal: string): void => {
          console.error(`servelab: ${signal}: draining in-flight requests (deadline ${config.drainTimeoutMs / 1000} s)`);
          // Backstop: shutdown ends even if ending the model instances hangs after the drain deadline.
          setTimeout(() => {
            console.error('servelab: shutdown still not done 10 s after the drain deadline: exiting');
            process.exit(1);
          }, config.drainTimeoutMs + 10_000).unref();
          server.close().then(resolve, (error: unknown) => {
            console.error(`servelab: shutdown: ${errorMessage(error)}`);
            process.exitCode = 1;
            resolve();
          });
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      console.error('servelab: stopped');
    });
}
