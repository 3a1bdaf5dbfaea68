/**
 * What a study database file must be before servelab reads or writes it, and errors that name the file: a
 * file that is not SQLite, a damaged (truncated, overwritten) one, another program's SQLite database, or a
 * value that no longer parses. Another program's database is refused before servelab adds its tables to it.
 */
import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { ServelabError, errorMessage } from '../core/errors.js';
import { SCHEMA_SQL } from './schema.js';

const EXPECTED = "expected a study database written by 'servelab explore'";

/** The tables every version of the store has had, with their columns (parsed from schema.ts, so they cannot drift). */
export const CORE_TABLES = ['studies', 'configurations', 'trials', 'measurements'] as const;

export function schemaColumns(table: string): string[] {
  const match = new RegExp(`CREATE TABLE IF NOT EXISTS ${table} \\(([\\s\\S]*?)\\n\\);`).exec(SCHEMA_SQL);
  if (!match) throw new Error(`store schema: no table '${table}' in schema.ts`);
  return match[1]!
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => /^[a-z_]+$/.test(name));
}

/**
 * Refuses a file that is not a servelab study database. An SQLite file without tables is a new database
 * (explore) or, where one must exist already (status, export, analyze, report), an error.
 */
export function checkStoreFile(db: Database.Database, path: string, mustExist: boolean): void {
  const tables = new Set((db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as { name: string }[]).map((row) => row.name));
  if (tables.size === 0) {
    if (!mustExist) return;
    const empty = path !== ':memory:' && statSync(path).size === 0;
    throw new ServelabError(`${path} ${empty ? 'is an empty file' : 'is an SQLite database without tables'}, not a study database; ${EXPECTED}`, 'invalid-input');
  }
  const problems: string[] = [];
  for (const table of CORE_TABLES) {
    if (!tables.has(table)) {
      problems.push(`no table '${table}'`);
      continue;
    }
    const present = new Set((db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((row) => row.name));
    const missing = schemaColumns(table).filter((column) => !present.has(column));
    if (missing.length > 3) problems.push(`table '${table}' has other columns`);
    else if (missing.length > 0) problems.push(`table '${table}' lacks ${missing.join(', ')}`);
  }
  if (problems.length > 0) {
    throw new ServelabError(
      `${path} is an SQLite database but not a servelab study database (${problems.join('; ')}; it holds: ${[...tables].sort().join(', ')}); ${EXPECTED}`,
      'invalid-input',
    );
  }
}

/** Any failure while opening or reading the file, as one error that names it and says what was expected. */
export function storeFileError(path: string, error: unknown): ServelabError {
  if (error instanceof ServelabError) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = errorMessage(error);
  if (code === 'SQLITE_NOTADB') return new ServelabError(`${path} is not an SQLite database (${message}); ${EXPECTED}`, 'invalid-input', { cause: error });
  if (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT')) {
    return new ServelabError(`${path} is damaged, e.g. truncated or overwritten (${message}); ${EXPECTED} and intact: restore it from a copy`, 'invalid-input', { cause: error });
  }
  if (error instanceof SyntaxError) {
    return new ServelabError(`${path} holds a stored value that is not valid JSON (${message}): the database is damaged; ${EXPECTED} and intact`, 'invalid-input', { cause: error });
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return new ServelabError(`${path} is locked by another process (${message}); try again when it is done`, 'unavailable', { cause: error });
  return new ServelabError(`cannot use study database ${path}: ${message}`, 'unavailable', { cause: error });
}

/** SQLite's own errors and unreadable stored JSON; anything else thrown by a call is a bug and keeps its stack. */
function isFileFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return error instanceof SyntaxError || (typeof code === 'string' && code.startsWith('SQLITE_'));
}

/** The store with SQLite's failures in its calls turned into storeFileError, which names the file. */
export function withFileErrors<T extends object>(store: T, path: string): T {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          throw isFileFailure(error) ? storeFileError(path, error) : error;
        }
      };
    },
  });
}
