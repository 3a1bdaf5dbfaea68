import { readFileSync } from 'node:fs';

/** servelab's version, from its package.json (two folders up from both src/core and dist/core). */
export const SERVELAB_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
