/**
 * The page's files: the dashboard's own static folder next to this module (src/dashboard/static when run
 * from the TypeScript sources; the build copies it to dist/dashboard/static), and the Vega and Vega-Lite
 * runtimes from node_modules, so the page works offline. Read once, served from memory.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServelabError } from '../core/errors.js';

const require = createRequire(import.meta.url);

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
}

export function staticDirectory(): string {
  const directory = fileURLToPath(new URL('./static/', import.meta.url));
  if (!existsSync(join(directory, 'index.html'))) throw new ServelabError(`the dashboard's page files are missing from ${directory} (a build copies them there from src/dashboard/static)`, 'internal');
  return directory;
}

/** URL path → file, for every file the page may load. */
export function loadStaticFiles(directory = staticDirectory()): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(directory)) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType) files.set(`/${name}`, { body: readFileSync(join(directory, name)), contentType });
  }
  files.set('/', files.get('/index.html')!);
  const vega = require.resolve('vega/build/vega.min.js');
  // vega-lite's package exports only its entry point; the browser build sits beside it.
  const vegaLite = join(dirname(require.resolve('vega-lite')), 'vega-lite.min.js');
  files.set('/vendor/vega.min.js', { body: readFileSync(vega), contentType: CONTENT_TYPES['.js']! });
  files.set('/vendor/vega-lite.min.js', { body: readFileSync(vegaLite), contentType: CONTENT_TYPES['.js']! });
  return files;
}
