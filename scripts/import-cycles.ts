/**
 * Lists the import cycles of a source tree (default src/), type-only and dynamic imports included; exits 1
 * when there is one.
 *
 *   npx tsx scripts/import-cycles.ts [dir]
 */
import { importCycles, importGraph } from './import-graph.js';

const root = process.argv[2] ?? 'src';
const cycles = importCycles(importGraph(root));
for (const cycle of cycles) {
  console.log(`${cycle[0]!.from}\n${cycle.map((edge) => `  -${edge.kind === 'value' ? '' : `(${edge.kind})`}-> ${edge.to}`).join('\n')}`);
}
console.log(cycles.length === 0 ? `no import cycles in ${root}/` : `${cycles.length} import cycle(s) in ${root}/`);
process.exitCode = cycles.length === 0 ? 0 : 1;
