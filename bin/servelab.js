#!/usr/bin/env node
// An installed package runs the compiled JavaScript in dist/. A clone, where src/ exists, runs the TypeScript
// sources through tsx (a development dependency), so an edit takes effect without a build; SERVELAB_COMPILED=1
// runs a clone's dist/ instead (the test suite builds first, so every process it starts skips the TypeScript
// loader: a server is ready in ~0.7 s instead of 1.0–1.3 s).
import { existsSync } from 'node:fs';

const sources = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(sources) && process.env.SERVELAB_COMPILED !== '1') {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  console.error('servelab: dist/ is not built (SERVELAB_COMPILED=1 runs the compiled package): run `npm run build`, or unset SERVELAB_COMPILED');
  process.exit(1);
}
