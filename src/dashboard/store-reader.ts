/**
 * Read-only access to a results store for the dashboard: an SQLite file opened read-only, or a PostgreSQL
 * session whose transactions are read-only. The dashboard never writes, not even the schema the store's own
 * open would create.
 */
import { existsSync } from 'node:fs';
import { ServelabError } from '../core/errors.js';
import type { StoreReader } from './reader-queries.js';

export type { StoreReader } from './reader-queries.js';

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//.test(location);
}

export async function openStoreReader(location: string): Promise<StoreReader> {
  if (isPostgresUrl(location)) {
    const { openPostgresReader } = await import('./postgres-reader.js');
    return openPostgresReader(location);
  }
  if (!existsSync(location)) {
    throw new ServelabError(`no study database at ${location}; expected an SQLite file written by 'servelab explore' or a postgres:// URL`, 'not-found');
  }
  const { openSqliteReader } = await import('./sqlite-reader.js');
  return openSqliteReader(location);
}
