// Compiles src/ to dist/: each TypeScript file to JavaScript with esbuild (file by file, as tsx runs them in a
// clone, in about a second), and the files the code reads at run time (study templates, the dashboard's static
// page) copied beside them. `npm run build` adds tsc's type declarations for the package; the test runner uses
// this alone, so the processes the tests start run compiled JavaScript.
import { cpSync, readdirSync, rmSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { build } from 'esbuild';

const ASSET_EXTENSIONS = new Set(['.yaml', '.html', '.js', '.css', '.json', '.svg', '.png']);

function filesUnder(folder) {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

rmSync('dist', { recursive: true, force: true });
const files = filesUnder('src');
await build({
  entryPoints: files.filter((path) => path.endsWith('.ts')),
  outdir: 'dist',
  outbase: 'src',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
for (const path of files) if (ASSET_EXTENSIONS.has(extname(path))) cpSync(path, join('dist', relative('src', path)));
