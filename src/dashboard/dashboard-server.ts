/**
 * `servelab dashboard`: a local web page that follows a study while it runs. One process serves the static
 * page, a small JSON API and a server-sent event stream; a worker thread follows the store (live-study.ts)
 * and one-shot worker threads build exports, so requests are answered from memory at once. Read-only: the
 * store is opened read-only and never written.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServelabError, errorMessage, isServelabError } from '../core/errors.js';
import { requireStudy, type AsyncResultsStore } from '../store/async-store.js';
import { EventHub } from './event-stream.js';
import { LiveState } from './live-state.js';
import { runExport } from './run-export.js';
import { loadStaticFiles, type StaticFile } from './static-files.js';
import { openStoreReader, type StoreReader } from './store-reader.js';
import { EXPORTS, isExportName } from './study-exports.js';
import { studyInfo } from './study-info.js';
import { trialDetail } from './trial-detail.js';
import type { StudyInfo } from './types.js';

export interface DashboardOptions {
  /** An SQLite file or a postgres:// URL. */
  readonly location: string;
  readonly studyId?: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** How often the store is checked for changes. */
  readonly pollIntervalMs?: number;
}

export interface RunningDashboard {
  readonly url: string;
  readonly study: StudyInfo;
  readonly state: LiveState;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_POLL_MS = 1_000;

/** The warning for a non-loopback address, or undefined for a loopback one. */
export function bindWarning(host: string): string | undefined {
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  return loopback ? undefined : `the dashboard listens on ${host}: anyone who can reach this address can read the study; it has no authentication`;
}

export async function startDashboard(options: DashboardOptions): Promise<RunningDashboard> {
  const reader = await openStoreReader(options.location);
  let state: LiveState | undefined;
  const hub = new EventHub();
  try {
    // requireStudy only lists the studies: the reader gives it them, read-only.
    const studies = await reader.studies();
    const record = await requireStudy({ studies: async () => studies } as Pick<AsyncResultsStore, 'studies'> as AsyncResultsStore, options.studyId);
    const info = studyInfo(record, reader.location);
    const files = loadStaticFiles();
    state = new LiveState({ location: options.location, studyId: record.studyId, seed: record.seed, info, pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_MS }, hub, (error) => {
      console.error(`servelab dashboard: the live view stopped: ${errorMessage(error)}`);
    });
    const live = state;
    const server = createServer((request, response) => {
      handle(request, response, { files, hub, state: live, reader, info, location: options.location }).catch((error: unknown) => {
        sendError(response, isServelabError(error) ? 400 : 500, errorMessage(error));
      });
    });
    const address = await listen(server, options.host ?? DEFAULT_HOST, options.port ?? DEFAULT_PORT);
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return {
      url: `http://${host}:${address.port}/`,
      study: info,
      state: live,
      close: async () => {
        hub.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await live.close();
        await reader.close();
      },
    };
  } catch (error) {
    hub.close();
    await state?.close();
    await reader.close();
    throw error;
  }
}

interface Context {
  readonly files: Map<string, StaticFile>;
  readonly hub: EventHub;
  readonly state: LiveState;
  readonly reader: StoreReader;
  readonly info: StudyInfo;
  readonly location: string;
}

async function handle(request: IncomingMessage, response: ServerResponse, context: Context): Promise<void> {
  const path = (request.url ?? '/').split('?')[0]!;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    return sendError(response, 405, `the dashboard is read-only: ${request.method} is not accepted, only GET`);
  }
  const file = context.files.get(path);
  if (file) return send(response, 200, file.body, file.contentType);
  const { state } = context;
  if (path === '/api/study') return sendJson(response, JSON.stringify(context.info));
  if (path === '/api/trials') return sendJson(response, state.trialsJson);
  if (path === '/api/progress') return sendJson(response, state.progressJson ?? 'null');
  if (path === '/api/analysis') return sendJson(response, state.analysisJson ?? JSON.stringify({ version: 0, fronts: null, effects: null }));
  if (path === '/api/events') {
    const initial = [{ event: 'status', data: state.statusJson() }, ...(state.progressJson ? [{ event: 'progress', data: state.progressJson }] : [])];
    return context.hub.add(response, initial);
  }
  const trial = /^\/api\/trials\/([^/]+)$/.exec(path);
  if (trial) {
    const found = await context.reader.trial(decodeURIComponent(trial[1]!));
    if (!found || found.studyId !== context.info.studyId) return sendError(response, 404, `no trial '${decodeURIComponent(trial[1]!)}' in study ${context.info.studyId}`);
    return sendJson(response, JSON.stringify(trialDetail(found)));
  }
  const exported = /^\/api\/export\/([^/]+)$/.exec(path);
  if (exported) {
    const name = exported[1]!;
    if (!isExportName(name)) return sendError(response, 404, `no export '${name}'; available: ${Object.keys(EXPORTS).join(', ')}`);
    let body: Buffer;
    try {
      body = await runExport(context.location, context.info.studyId, name);
    } catch (error) {
      // e.g. a report of a study without a valid trial yet: the request was fine, the study is not ready for it.
      if (isServelabError(error)) return sendError(response, 409, error.message);
      throw error;
    }
    response.setHeader('content-disposition', `attachment; filename="${context.info.studyId}-${name}"`);
    return send(response, 200, body, EXPORTS[name].contentType);
  }
  return sendError(response, 404, `no page or API at ${path}; the API is /api/study, /api/trials, /api/trials/ID, /api/progress, /api/analysis, /api/events, /api/export/NAME`);
}

function send(response: ServerResponse, status: number, body: string | Buffer, contentType: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-cache', 'content-length': Buffer.byteLength(body) });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

function sendJson(response: ServerResponse, json: string): void {
  send(response, 200, json, 'application/json; charset=utf-8');
}

function sendError(response: ServerResponse, status: number, message: string): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  send(response, status, JSON.stringify({ error: message }), 'application/json; charset=utf-8');
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new ServelabError(`port ${port} on ${host} is already in use; choose another with --port`, 'unavailable')
          : error.code === 'EADDRNOTAVAIL'
            ? new ServelabError(`cannot listen on ${host}: no such address on this machine; expected --host 127.0.0.1 or one of its addresses`, 'invalid-input')
            : error,
      ),
    );
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}
