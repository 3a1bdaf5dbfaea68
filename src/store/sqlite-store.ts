/**
 * The embedded results store: one SQLite file (better-sqlite3), WAL journal, full sync. Each state change is
 * one transaction, so a process killed at any instant (kill -9) leaves every completed trial committed once
 * and at most a trial marked 'running', which a resumed run measures again. The store's rules are
 * store-operations.ts's; this file opens, checks and migrates the file and runs the statements synchronously.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { ServelabError } from '../core/errors.js';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';
import { migrateStore } from './sqlite-migrate.js';
import { checkStoreFile, storeFileError, withFileErrors } from './sqlite-file-check.js';
import type { SqlResult, SqlStatement } from './sql-steps.js';
import { syncStore, type SyncExecutor } from './store-facade.js';
import { storeOperations, type SqlDialect } from './store-operations.js';
import type { ResultsStore } from './types.js';

export interface SqliteStoreOptions {
  /** Open an existing database only (export, status): a missing file is an error rather than a new database. */
  readonly mustExist?: boolean;
  readonly readonly?: boolean;
  readonly now?: () => Date;
}

export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): ResultsStore {
  if (options.mustExist && path !== ':memory:' && !existsSync(path)) {
    throw new ServelabError(`no study database at ${path}; expected a file written by 'servelab explore --db ${path}'`, 'not-found');
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.mustExist ?? false });
    db.pragma('busy_timeout = 10000');
    checkStoreFile(db, path, options.mustExist ?? false);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new ServelabError(`${path}: store schema version ${version}; this servelab reads version ${SCHEMA_VERSION}`);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.exec(SCHEMA_SQL);
      if (version === 0) db.pragma(`user_version = ${SCHEMA_VERSION}`);
      else if (version < SCHEMA_VERSION) migrateStore(db, version);
    }
  } catch (error) {
    db?.close();
    throw storeFileError(path, error);
  }
  return withFileErrors(syncStore(storeOperations(SQLITE_DIALECT, options.now ?? (() => new Date())), sqliteExecutor(db)), path);
}

/** A writing transaction holds the whole database, so neither row nor table locks are needed. */
const SQLITE_DIALECT: SqlDialect = { forUpdate: '', lockTables: () => undefined };

function sqliteExecutor(db: Database.Database): SyncExecutor {
  // The store runs a fixed set of statements: each is prepared once.
  const prepared = new Map<string, Database.Statement>();
  const query = ({ sql, params }: SqlStatement): SqlResult => {
    let statement = prepared.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      prepared.set(sql, statement);
    }
    if (statement.reader) return { rows: statement.all(...params) as Record<string, unknown>[], changes: 0 };
    return { rows: [], changes: statement.run(...params).changes };
  };
  const inTransaction = db.transaction((work: () => unknown) => work());
  return {
    query,
    transaction: <T>(work: (run: typeof query) => T): T => inTransaction(() => work(query)) as T,
    close: () => {
      if (db.open) db.close();
    },
  };
}
