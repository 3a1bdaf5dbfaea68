/**
 * The store's operations are generators of SQL statements: the synchronous (SQLite) and asynchronous (PostgreSQL)
 * drivers must feed results back in order and throw a failed statement into the operation, as `await` would.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { execute, runStepsAsync, runStepsSync, select, type SqlResult, type SqlStatement, type StoreSteps } from '../../../src/store/sql-steps.js';

function* twoReads(): StoreSteps<string> {
  const [first] = yield* select<{ n: number }>('SELECT ?', [1]);
  const written = yield* execute('UPDATE t SET n = ?', [first!.n + 1]);
  return `${first!.n}:${written.changes}`;
}

function* recovers(): StoreSteps<string> {
  try {
    yield* execute('INSERT INTO broken');
    return 'not reached';
  } catch (error) {
    const [row] = yield* select<{ n: number }>('SELECT 2');
    return `${(error as Error).message}, then ${row!.n}`;
  }
}

function* cleansUp(log: string[]): StoreSteps<void> {
  try {
    yield* execute('INSERT INTO broken');
  } finally {
    log.push('finally ran');
  }
}

function answers(log: SqlStatement[]): (statement: SqlStatement) => SqlResult {
  return (statement) => {
    log.push(statement);
    if (statement.sql.includes('broken')) throw new Error('no such table: broken');
    return statement.sql.startsWith('SELECT') ? { rows: [{ n: Number(statement.params[0] ?? 2) }], changes: 0 } : { rows: [], changes: 3 };
  };
}

const drivers = {
  sync: async <T>(steps: StoreSteps<T>, query: (statement: SqlStatement) => SqlResult) => runStepsSync(steps, query),
  async: <T>(steps: StoreSteps<T>, query: (statement: SqlStatement) => SqlResult) => runStepsAsync(steps, async (statement) => query(statement)),
};

for (const [name, run] of Object.entries(drivers)) {
  describe(`store steps, ${name} driver`, () => {
    test('runs the statements in order and hands each result to the next step', async () => {
      const log: SqlStatement[] = [];
      assert.equal(await run(twoReads(), answers(log)), '1:3');
      assert.deepEqual(log, [
        { sql: 'SELECT ?', params: [1] },
        { sql: 'UPDATE t SET n = ?', params: [2] },
      ]);
    });

    test('a failed statement is thrown into the operation, which may handle it and go on', async () => {
      const log: SqlStatement[] = [];
      assert.equal(await run(recovers(), answers(log)), 'no such table: broken, then 2');
      assert.equal(log.length, 2);
    });

    test('an unhandled failure reaches the caller after the operation has cleaned up', async () => {
      const log: string[] = [];
      await assert.rejects(async () => run(cleansUp(log), answers([])), /no such table: broken/);
      assert.deepEqual(log, ['finally ran']);
    });
  });
}

test('the synchronous driver answers at once, without a promise', () => {
  const result = runStepsSync(twoReads(), answers([]));
  assert.equal(result, '1:3');
});
