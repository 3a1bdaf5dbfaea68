/**
 * The results store seen through promises, so a networked backend (PostgreSQL) and the embedded SQLite file
 * serve the same callers: the distributed coordinator and workers, export, status, analyze and report.
 */
import { existsSync } from 'node:fs';
import { ServelabError } from '../core/errors.js';
import { openSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
import type { ResultsStore } from './types.js';

export type AsyncResultsStore = {
  readonly [K in keyof ResultsStore]: ResultsStore[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

/** Wraps the synchronous SQLite store; each call still runs as one SQLite transaction. */
export function asAsyncStore(store: ResultsStore): AsyncResultsStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? async (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args) : value;
    },
  }) as unknown as AsyncResultsStore;
}

export function isPostgresLocation(location: string): boolean {
  return /^postgres(ql)?:\/\//.test(location);
}

/**
 * Opens a store by location: a `postgres://` URL, or an SQLite file path. Read-only callers (export, status,
 * analyze, report) pass mustExist so a mistyped path is an error rather than a new empty database.
 */
export async function openResultsStore(location: string, options: SqliteStoreOptions = {}): Promise<AsyncResultsStore> {
  if (isPostgresLocation(location)) {
    const { openPostgresStore } = await import('./postgres-store.js');
    return openPostgresStore(location);
  }
  if (options.mustExist && !existsSync(location)) {
    throw new ServelabError(`no study database at ${location}; expected an SQLite file written by 'servelab explore' or a postgres:// URL`, 'not-found');
  }
  return asAsyncStore(openSqliteStore(location, options));
}
