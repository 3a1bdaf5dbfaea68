/**
 * src/ imports in one direction (no cycle, type-only and dynamic imports included), the store's backends are one
 * implementation, and the
 * cycle finder used for it (scripts/import-graph.ts) finds cycles of every kind of import.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { importCycles, importGraph } from '../../../scripts/import-graph.js';

const SRC = fileURLToPath(new URL('../../../src', import.meta.url));

test('no import cycle anywhere in src/', () => {
  assert.deepEqual(importCycles(importGraph(SRC)), []);
});

test('the store is one implementation: neither backend imports the other, and the PostgreSQL side never loads better-sqlite3', () => {
  const edges = importGraph(SRC);
  const from = (file: string) => edges.filter((edge) => edge.from === file).map((edge) => edge.to);
  assert.ok(!from('store/postgres-store.ts').includes('store/sqlite-store.ts'));
  assert.ok(!from('store/sqlite-store.ts').includes('store/postgres-store.ts'));
  for (const file of ['store/postgres-store.ts', 'dashboard/postgres-reader.ts']) {
    assert.ok(!from(file).includes('store/sqlite-store.ts'), `${file} imports the SQLite store`);
  }
});

function tree(t: { after(fn: () => void): void }, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'servelab-imports-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

test('cycles through type-only, dynamic and re-export edges are found; packages and acyclic chains are not cycles', (t) => {
  const root = tree(t, {
    'a.ts': "import { b } from './b.js';\nimport pg from 'pg';\nexport const a = b;\n",
    'b.ts': "import type { C } from './sub/c.js';\nexport const b = 1;\nexport type B = C;\n",
    'sub/c.ts': "export async function load() { return import('../a.js'); }\nexport type C = number;\n",
    'd.ts': "import { a } from './a.js';\nexport { a };\n",
    'e.ts': "export * from './f.js';\n",
    'f.ts': "import { type E } from './e.js';\nexport type F = E;\n",
  });
  const cycles = importCycles(importGraph(root)).map((cycle) => cycle.map((edge) => `${edge.from} -${edge.kind}-> ${edge.to}`));
  assert.equal(cycles.length, 2);
  assert.ok(cycles.some((cycle) => cycle.includes('b.ts -type-> sub/c.ts') && cycle.includes('sub/c.ts -dynamic-> a.ts') && cycle.includes('a.ts -value-> b.ts')));
  assert.ok(cycles.some((cycle) => cycle.includes('e.ts -value-> f.ts') && cycle.includes('f.ts -type-> e.ts')));
  assert.ok(!cycles.flat().some((edge) => edge.startsWith('d.ts')), 'd.ts imports into the cycle but is not part of it');
});

test('a tree without cycles has none', (t) => {
  const root = tree(t, { 'a.ts': "import { b } from './b.js';\nexport const a = b;\n", 'b.ts': 'export const b = 1;\n' });
  assert.deepEqual(importCycles(importGraph(root)), []);
});
