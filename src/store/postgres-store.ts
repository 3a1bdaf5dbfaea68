/**
 * The results store on PostgreSQL (the `pg` client), for studies whose trials run on many machines: the same
 * tables, rules and statements as the SQLite store (store-operations.ts), run through promises. Every state
 * change is one transaction; row locks (SELECT … FOR UPDATE) make "complete once" hold when several workers
 * finish the same trial, and a table lock keeps sequence numbers dense when several plan at once.
 */
import pg from 'pg';
import { ServelabError, errorMessage } from '../core/errors.js';
import { POSTGRES_SCHEMA_SQL } from './postgres-schema.js';
import type { SqlResult, SqlStatement } from './sql-steps.js';
import { asyncStore, type AsyncExecutor } from './store-facade.js';
import { storeOperations, type SqlDialect } from './store-operations.js';
import type { AsyncResultsStore } from './types.js';

// Serialises schema creation across processes that open the same database at once.
const SCHEMA_LOCK_KEY = 0x5e7e1ab;

export async function openPostgresStore(url: string, options: { now?: () => Date } = {}): Promise<AsyncResultsStore> {
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000 });
  // An idle client losing its connection (server restart) must not crash the process; the pool reconnects.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK_KEY]);
      await client.query(POSTGRES_SCHEMA_SQL);
      await client.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK_KEY]);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new ServelabError(`cannot open the PostgreSQL store at ${redact(url)}: ${errorMessage(error)}`, 'unavailable');
  }
  return asyncStore(storeOperations(POSTGRES_DIALECT, options.now ?? (() => new Date())), postgresExecutor(pool));
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** `?` placeholders (the SQLite dialect of the shared queries) to PostgreSQL's `$n`. */
function dollarParams(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

const POSTGRES_DIALECT: SqlDialect = {
  forUpdate: ' FOR UPDATE',
  lockTables: (tables) => `LOCK TABLE ${tables.join(', ')} IN SHARE ROW EXCLUSIVE MODE`,
};

function postgresExecutor(pool: pg.Pool): AsyncExecutor {
  const translated = new Map<string, string>();
  const queryOn = (db: pg.Pool | pg.PoolClient) => async ({ sql, params }: SqlStatement): Promise<SqlResult> => {
    let text = translated.get(sql);
    if (text === undefined) {
      text = dollarParams(sql);
      translated.set(sql, text);
    }
    const result = await db.query(text, params as unknown[]);
    return { rows: result.rows as Record<string, unknown>[], changes: result.rowCount ?? 0 };
  };
  return {
    query: queryOn(pool),
    transaction: async (work) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(queryOn(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

