/**
 * Store logic as a sequence of SQL statements, written once and run by either kind of database client. An
 * operation is a generator that yields each statement and receives its result (`yield*` where async code would
 * `await`), so the same code runs synchronously on better-sqlite3, whose callers (the runner, status, export)
 * read results at once, and asynchronously on pg.
 */

/** One statement with `?` placeholders; an executor translates them to its dialect's. */
export interface SqlStatement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

export interface SqlResult {
  readonly rows: readonly Record<string, unknown>[];
  /** Rows inserted, updated or deleted by a write. */
  readonly changes: number;
}

export type StoreSteps<T> = Generator<SqlStatement, T, SqlResult>;

/** An operation and whether its statements must commit together. */
export interface StoreWork<T> {
  readonly inTransaction: boolean;
  readonly steps: StoreSteps<T>;
}

export function* execute(sql: string, params: readonly unknown[] = []): StoreSteps<SqlResult> {
  return yield { sql, params };
}

export function* select<T>(sql: string, params: readonly unknown[] = []): StoreSteps<T[]> {
  return (yield { sql, params }).rows as T[];
}

/** Runs the statements one after another; a failed statement is thrown into the operation, as `await` would. */
export function runStepsSync<T>(steps: StoreSteps<T>, query: (statement: SqlStatement) => SqlResult): T {
  let next = steps.next();
  while (!next.done) {
    let result: SqlResult;
    try {
      result = query(next.value);
    } catch (error) {
      next = steps.throw(error);
      continue;
    }
    next = steps.next(result);
  }
  return next.value;
}

export async function runStepsAsync<T>(steps: StoreSteps<T>, query: (statement: SqlStatement) => Promise<SqlResult>): Promise<T> {
  let next = steps.next();
  while (!next.done) {
    let result: SqlResult;
    try {
      result = await query(next.value);
    } catch (error) {
      next = steps.throw(error);
      continue;
    }
    next = steps.next(result);
  }
  return next.value;
}
