#!/usr/bin/env node
// An installed package runs the compiled JavaScript in dist/. A clone, where src/ exists, runs the TypeScript
// sources through tsx (a development dependency), so an edit takes effect without a build.
import { existsSync } from 'node:fs';

const sources = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  await import('../dist/cli/main.js');
}
