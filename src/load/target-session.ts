/**
 * Everything checked before load is sent: the target answers and speaks the protocol, serves the model,
 * the workload fits the model's inputs, and one probe request succeeds with a response that passes the
 * client's checks (outputs as the metadata declares). Each failure is a one-line error.
 */
import { ServelabError, errorMessage } from '../core/errors.js';
import type { InferenceClient, ModelMetadata } from '../core/target.js';
import { BAD_RESPONSE, createClient, errorKindOf } from '../targets/index.js';
import { asLoadClient, tokenFromSignal, type LoadClient } from '../targets/load-client.js';
import { getWorkload } from '../zoo/workloads/registry.js';
import type { LoadPlan } from './load-options.js';
import { DEFAULT_SAMPLE_POOL_BYTES, DEFAULT_SAMPLE_POOL_SIZE, prepareRequestPool, type RequestPool, type SampleSource } from './request-pool.js';

export interface TargetSession {
  readonly client: LoadClient;
  readonly metadata: ModelMetadata;
  /** Requests encoded before any load is sent; every run of the session cycles through them. */
  readonly requests: RequestPool;
  close(): Promise<void>;
}

export interface SessionOverrides {
  /** A ready client (its owner closes it); otherwise one is made from plan.target and plan.protocol. */
  readonly client?: InferenceClient;
  /** Request tensors; otherwise the workload named in the plan, shaped to the model's inputs. */
  readonly samples?: SampleSource;
  /** Seed of this process's sample stream (fan-out workers each get their own). */
  readonly sampleSeed?: number;
}

export async function openTargetSession(plan: LoadPlan, overrides: SessionOverrides = {}): Promise<TargetSession> {
  if (!overrides.client && !plan.target) throw new ServelabError('no target: give a target URL and protocol (or a client)');
  if (!overrides.samples && !plan.workload) throw new ServelabError('no request payloads: give a workload name (or a sample source)');
  const workload = plan.workload && !overrides.samples ? getWorkload(plan.workload) : undefined;
  const ownsClient = !overrides.client;
  const client = overrides.client
    ? asLoadClient(overrides.client)
    : createClient(plan.protocol!, plan.target!, {
        allowRemote: plan.allowRemote,
        maxConnections: plan.maxConnections ?? plan.inFlightCap + 8,
        preflightTimeoutMs: plan.timeoutMs,
      });
  try {
    await client.checkServer();
    const metadata = await client.metadata(plan.model);
    let samples = overrides.samples;
    if (!samples && workload) {
      const fit = workload.fits(metadata.inputs);
      if (!fit.ok) throw new ServelabError(`workload '${plan.workload}' does not fit model '${plan.model}' on ${client.target}: ${fit.reason}`);
      samples = workload.createSampleStream(metadata.inputs, { seed: overrides.sampleSeed ?? plan.seed, batchSize: plan.batchSize, modelName: plan.model });
    }
    const requests = prepareRequestPool(samples!, client, plan.model, {
      maxRequests: plan.sampleCount ?? plan.samplePoolSize ?? DEFAULT_SAMPLE_POOL_SIZE,
      maxBytes: plan.samplePoolBytes ?? DEFAULT_SAMPLE_POOL_BYTES,
    });
    try {
      await client.send(requests.next(), tokenFromSignal(AbortSignal.timeout(plan.timeoutMs)));
    } catch (error) {
      const what = errorKindOf(error) === BAD_RESPONSE ? 'answered a probe request' : 'rejected a probe request';
      throw new ServelabError(`the target ${what} for model '${plan.model}' on ${client.target}: ${errorMessage(error)}`, 'invalid-input', { cause: error });
    }
    return { client, metadata, requests, close: async () => (ownsClient ? client.close() : undefined) };
  } catch (error) {
    if (ownsClient) await client.close();
    throw error;
  }
}
