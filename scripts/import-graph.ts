/**
 * The import graph of a source tree and its cycles. Every relative import counts, type-only and dynamic ones
 * included (each edge says which), since a cycle of any kind ties the modules' designs together.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: 'value' | 'type' | 'dynamic';
}

function sourceFiles(root: string): string[] {
  return readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

function importsOf(file: string): { specifier: string; kind: ImportEdge['kind'] }[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const found: { specifier: string; kind: ImportEdge['kind'] }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = clause !== undefined && (clause.isTypeOnly || (clause.name === undefined && named !== undefined && named.length > 0 && named.every((element) => element.isTypeOnly)));
      found.push({ specifier: node.moduleSpecifier.text, kind: typeOnly ? 'type' : 'value' });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, kind: node.isTypeOnly ? 'type' : 'value' });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteral(argument)) found.push({ specifier: argument.text, kind: 'dynamic' });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The edges between files under root (paths relative to root); imports of packages are left out. */
export function importGraph(root: string): ImportEdge[] {
  const files = new Set(sourceFiles(resolve(root)));
  const edges: ImportEdge[] = [];
  for (const file of files) {
    for (const { specifier, kind } of importsOf(file)) {
      if (!specifier.startsWith('.')) continue;
      const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
      if (files.has(target)) edges.push({ from: relative(root, file), to: relative(root, target), kind });
    }
  }
  return edges;
}

/** One cycle (as a path that returns to its first file) for each group of files that import each other. */
export function importCycles(edges: readonly ImportEdge[]): ImportEdge[][] {
  const next = new Map<string, ImportEdge[]>();
  for (const edge of edges) next.set(edge.from, [...(next.get(edge.from) ?? []), edge]);
  const cycles: ImportEdge[][] = [];
  for (const group of stronglyConnected([...next.keys()], (file) => (next.get(file) ?? []).map((edge) => edge.to))) {
    const members = new Set(group);
    const selfLoop = (next.get(group[0]!) ?? []).find((edge) => edge.to === group[0]);
    if (members.size === 1 && !selfLoop) continue;
    cycles.push(selfLoop ? [selfLoop] : shortestCycle(group[0]!, members, next));
  }
  return cycles;
}

/** Tarjan's algorithm: the groups of nodes each reachable from every other in the group. */
function stronglyConnected(nodes: readonly string[], successors: (node: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const successor of successors(node)) {
      if (!index.has(successor)) {
        connect(successor);
        low.set(node, Math.min(low.get(node)!, low.get(successor)!));
      } else if (onStack.has(successor)) low.set(node, Math.min(low.get(node)!, index.get(successor)!));
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      groups.push(group.sort());
    }
  };
  for (const node of nodes) if (!index.has(node)) connect(node);
  return groups;
}

/** Breadth-first from start back to start, within the group. */
function shortestCycle(start: string, members: ReadonlySet<string>, next: ReadonlyMap<string, ImportEdge[]>): ImportEdge[] {
  const cameBy = new Map<string, ImportEdge>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const edge of next.get(file) ?? []) {
      if (!members.has(edge.to)) continue;
      if (edge.to === start) {
        const path = [edge];
        for (let at = file; at !== start; at = cameBy.get(at)!.from) path.unshift(cameBy.get(at)!);
        return path;
      }
      if (!cameBy.has(edge.to)) {
        cameBy.set(edge.to, edge);
        queue.push(edge.to);
      }
    }
  }
  throw new Error(`no cycle through ${start}`);
}
