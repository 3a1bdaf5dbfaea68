// Copies the files next to the sources that the compiled code reads at run time (study templates, the
// dashboard's static page) from src/ to dist/, keeping their relative paths.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';

const ASSET_EXTENSIONS = new Set(['.yaml', '.html', '.js', '.css', '.json', '.svg', '.png']);

function copyAssets(from, to) {
  for (const name of readdirSync(from)) {
    const path = join(from, name);
    if (statSync(path).isDirectory()) copyAssets(path, to);
    else if (ASSET_EXTENSIONS.has(extname(name))) cpSync(path, join(to, relative('src', path)));
  }
}

copyAssets('src', 'dist');
