import type { IncomingMessage } from 'node:http';
import { ServelabError } from '../../../core/errors.js';
import type { BodyCharge } from '../../body-budget.js';
import { SERVER_EXTENSIONS, SERVER_NAME, SERVER_VERSION, type ModelSet } from '../../model-set.js';
import { timingHeaders } from '../timing.js';
import { microsecondsSince, observeStage } from '../../request-stages.js';
import { assertRequestWithinLimits, type RequestLimits } from '../request-limits.js';
import { HttpError } from './http-error.js';
import { encodeKserveInfer, parseKserveInfer, selectOutputs, type KserveInferRequest } from './kserve-codec.js';
import { readKserveBinaryRequest } from './binary-request.js';
import { readBody } from './read-body.js';
import { encodeTfPredict, parseTfPredict, tfModelMetadata, tfModelStatus } from './tfserving-codec.js';

/** What a route answers; http-server.ts writes it. */
export interface HttpReply {
  readonly status?: number;
  /** A list is written part after part (binary outputs as views of their tensors). */
  readonly body: string | Buffer | readonly Uint8Array[];
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
  /** Called once the body has been handed to the socket, with the time the write took. */
  readonly onWritten?: (writeUs: number) => void;
}

const KSERVE_MODEL = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/;
const TF_MODEL = /^\/v1\/models\/([^/:]+)(?:\/versions\/([^/:]+)|\/labels\/([^/:]+))?(\/metadata|:predict)?$/;

const json = (value: unknown, status = 200): HttpReply => ({ status, body: JSON.stringify(value) });

/** Routes one HTTP request to the KServe v2 or TF Serving handlers, or /metrics. */
export async function routeRequest(request: IncomingMessage, models: ModelSet, limits: RequestLimits): Promise<HttpReply> {
  const path = decodePath(request.url ?? '/');
  const method = request.method ?? 'GET';
  if (method === 'GET') {
    if (path === '/v2/health/live') return json({ live: true });
    if (path === '/v2/health/ready') return json({ ready: models.ready }, models.ready ? 200 : 503);
    if (path === '/v2') return json({ name: SERVER_NAME, version: SERVER_VERSION, extensions: SERVER_EXTENSIONS });
    if (path === '/metrics') return { body: models.metrics.render(), contentType: 'text/plain; version=0.0.4' };
  }
  const kserve = KSERVE_MODEL.exec(path);
  if (kserve) {
    const [, name, version, action] = kserve as unknown as [string, string, string | undefined, string | undefined];
    checkVersion(version);
    if (action === '/infer') {
      if (method !== 'POST') throw new HttpError(405, `use POST for ${path}`);
      const done = models.admit();
      const charge = limits.bodyBudget.charge();
      try {
        return await kserveInfer(request, models, name, limits, charge);
      } finally {
        charge.release();
        done();
      }
    }
    if (method !== 'GET') throw new HttpError(405, `use GET for ${path}`);
    const model = models.get(name);
    if (action === '/ready') return json({ name, ready: models.ready });
    return json(model.metadata());
  }
  const tf = TF_MODEL.exec(path);
  if (tf) {
    const [, name, version, , action] = tf as unknown as [string, string, string | undefined, string | undefined, string | undefined];
    checkVersion(version);
    const model = models.get(name);
    if (action === ':predict') {
      if (method !== 'POST') throw new HttpError(405, `use POST for ${path}`);
      model.assertQueueHasRoom('tfserving-http');
      const done = models.admit();
      const charge = limits.bodyBudget.charge();
      try {
        const body = await readBody(request, limits.maxBodyBytes, charge);
        const { inputs, format } = parseTfPredict(body, model.metadata().inputs);
        assertRequestWithinLimits(model, inputs, limits);
        const outcome = await models.infer(name, inputs, 'tfserving-http');
        const startedNs = process.hrtime.bigint();
        const text = encodeTfPredict(outcome.outputs, format);
        const serializeUs = Number(process.hrtime.bigint() - startedNs) / 1000;
        return { body: text, headers: timingHeaders({ ...outcome.timing, serializeUs }) };
      } finally {
        charge.release();
        done();
      }
    }
    if (method !== 'GET') throw new HttpError(405, `use GET for ${path}`);
    return json(action === '/metadata' ? tfModelMetadata(model.metadata()) : tfModelStatus());
  }
  throw new HttpError(404, `no route for ${method} ${path}; see /v2, /v2/models/NAME/infer, /v1/models/NAME:predict, /metrics`);
}

/** The URL's path, percent-decoded; malformed escapes (%E0%A4%A) are the client's error. */
function decodePath(url: string): string {
  const raw = url.split('?')[0]!;
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, `malformed percent-encoding in the URL path ${JSON.stringify(raw.slice(0, 200))}: each % must start a valid UTF-8 escape such as %2F`);
  }
}

function checkVersion(version: string | undefined): void {
  if (version !== undefined && version !== '1') throw new ServelabError(`model version '${version}' not found; only version 1 is served`, 'not-found');
}

async function kserveInfer(request: IncomingMessage, models: ModelSet, name: string, limits: RequestLimits, charge: BodyCharge): Promise<HttpReply> {
  const arrivedMs = performance.now();
  const headerValue = request.headers['inference-header-content-length'];
  const protocol = headerValue === undefined ? 'kserve-http' : 'kserve-http-binary';
  const model = models.get(name);
  model.assertQueueHasRoom(protocol);
  let parsed: KserveInferRequest;
  let parseUs: number;
  if (headerValue === undefined) {
    const body = await readBody(request, limits.maxBodyBytes, charge);
    const parseStartedMs = performance.now();
    parsed = parseKserveInfer(body, undefined);
    parseUs = microsecondsSince(parseStartedMs);
  } else {
    ({ request: parsed, parseUs } = await readKserveBinaryRequest(request, Number(headerValue), limits.maxBodyBytes, charge));
  }
  const checkStartedMs = performance.now();
  if (parsed.outputs) selectOutputs(model.metadata().outputs.map((spec) => ({ ...spec, data: [] })), parsed.outputs, name);
  assertRequestWithinLimits(model, parsed.inputs, limits);
  parseUs += microsecondsSince(checkStartedMs);
  observeStage(models.metrics, name, protocol, 'read', microsecondsSince(arrivedMs) - parseUs);
  observeStage(models.metrics, name, protocol, 'parse', parseUs);
  const { inputs, ...response } = parsed;
  const outcome = await models.infer(name, inputs, protocol);
  const encoded = encodeKserveInfer(name, response, outcome);
  observeStage(models.metrics, name, protocol, 'encode', encoded.serializeUs);
  const headers = timingHeaders({ ...outcome.timing, serializeUs: encoded.serializeUs });
  const onWritten = (writeUs: number): void => observeStage(models.metrics, name, protocol, 'write', writeUs);
  if (encoded.headerLength === undefined) return { body: encoded.parts, headers, onWritten };
  return {
    body: encoded.parts,
    contentType: 'application/octet-stream',
    headers: { ...headers, 'inference-header-content-length': String(encoded.headerLength) },
    onWritten,
  };
}
