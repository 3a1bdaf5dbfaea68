/**
 * The store's operations (store-operations.ts) bound to a database client: synchronously for a client that
 * answers at once (better-sqlite3), through promises for a networked one (pg). Each adapter supplies an executor:
 * how to run one statement, and how to run several in one transaction.
 */
import { runStepsAsync, runStepsSync, type SqlResult, type SqlStatement, type StoreWork } from './sql-steps.js';
import type { StoreMethod, StoreOperations } from './store-operations.js';
import type { AsyncResultsStore, ResultsStore } from './types.js';

export interface SyncExecutor {
  query(statement: SqlStatement): SqlResult;
  transaction<T>(work: (query: (statement: SqlStatement) => SqlResult) => T): T;
  close(): void;
}

export interface AsyncExecutor {
  query(statement: SqlStatement): Promise<SqlResult>;
  transaction<T>(work: (query: (statement: SqlStatement) => Promise<SqlResult>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

type AnyOperation = (...args: unknown[]) => StoreWork<unknown>;

export function syncStore(operations: StoreOperations, executor: SyncExecutor): ResultsStore {
  const store: Record<string, unknown> = { close: () => executor.close() };
  for (const [name, operation] of Object.entries(operations) as [StoreMethod, AnyOperation][]) {
    store[name] = (...args: unknown[]) => {
      const { inTransaction, steps } = operation(...args);
      return inTransaction ? executor.transaction((query) => runStepsSync(steps, query)) : runStepsSync(steps, (statement) => executor.query(statement));
    };
  }
  return store as unknown as ResultsStore;
}

export function asyncStore(operations: StoreOperations, executor: AsyncExecutor): AsyncResultsStore {
  const store: Record<string, unknown> = { close: () => executor.close() };
  for (const [name, operation] of Object.entries(operations) as [StoreMethod, AnyOperation][]) {
    store[name] = async (...args: unknown[]) => {
      const { inTransaction, steps } = operation(...args);
      return inTransaction ? executor.transaction((query) => runStepsAsync(steps, query)) : runStepsAsync(steps, (statement) => executor.query(statement));
    };
  }
  return store as unknown as AsyncResultsStore;
}
