import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { servelab } from '../support/cli.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  exports: Record<string, string>;
  files: string[];
  dependencies: Record<string, string>;
};

test('servelab --version prints the version in package.json', async () => {
  const { code, stdout } = await servelab('--version');
  assert.equal(code, 0);
  assert.equal(stdout.trim(), packageJson.version);
});

test('every export of the package is the compiled form of a source module', () => {
  for (const [subpath, target] of Object.entries(packageJson.exports)) {
    if (subpath === './package.json') continue;
    const match = /^\.\/dist\/(.+)\.js$/.exec(target);
    assert.ok(match, `${subpath} → ${target} is not under dist/`);
    assert.ok(existsSync(join(ROOT, 'src', `${match[1]}.ts`)), `${subpath}: no src/${match[1]}.ts to compile`);
  }
  for (const entry of packageJson.files) assert.ok(existsSync(join(ROOT, entry)) || entry === 'dist/', `files lists ${entry}, which does not exist`);
  assert.equal(packageJson.dependencies.tsx, undefined, 'tsx is for development only');
});

test('the build copies every non-TypeScript file the sources read at run time', () => {
  const script = readFileSync(join(ROOT, 'scripts/build.mjs'), 'utf8');
  const copied = new Set([...script.matchAll(/'(\.[a-z]+)'/g)].map((match) => match[1]));
  const walk = (folder: string): string[] =>
    readdirSync(folder).flatMap((name) => (statSync(join(folder, name)).isDirectory() ? walk(join(folder, name)) : [join(folder, name)]));
  const assets = walk(join(ROOT, 'src')).filter((path) => !path.endsWith('.ts'));
  for (const path of assets) assert.ok(copied.has(extname(path)), `${path}: its extension is not copied to dist/ by the build`);
});
