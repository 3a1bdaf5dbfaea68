import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const README_LIMIT_BYTES = 10 * 1024;

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Relative link targets of a Markdown text, code blocks and inline code left out (their brackets are not links). */
function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
  const targets: string[] = [];
  for (const match of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const target = match[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
    targets.push(decodeURI(target.split('#')[0]!));
  }
  return targets;
}

const docs = [join(root, 'README.md'), join(root, 'BENCHMARKS.md'), ...markdownFiles(join(root, 'docs'))];

test('README.md stays under 10 KB', () => {
  const bytes = statSync(join(root, 'README.md')).size;
  assert.ok(bytes < README_LIMIT_BYTES, `README.md is ${bytes} bytes; move detail into docs/ (limit ${README_LIMIT_BYTES})`);
});

test('every relative link in README.md, BENCHMARKS.md and docs/ points at an existing file', () => {
  const broken: string[] = [];
  for (const file of docs) {
    for (const target of relativeLinks(readFileSync(file, 'utf8'))) {
      if (!existsSync(resolve(dirname(file), target))) broken.push(`${relative(root, file)} -> ${target}`);
    }
  }
  assert.deepEqual(broken, []);
});

test('README.md links every page under docs/ (benchmark logs through BENCHMARKS.md)', () => {
  const linkedFrom = (file: string): Set<string> =>
    new Set(relativeLinks(readFileSync(join(root, file), 'utf8')).map((target) => relative(root, resolve(root, target))));
  const fromReadme = linkedFrom('README.md');
  const fromBenchmarks = linkedFrom('BENCHMARKS.md');
  const unlinked = markdownFiles(join(root, 'docs'))
    .map((file) => relative(root, file))
    .filter((page) => !fromReadme.has(page) && !(page.startsWith('docs/benchmarks/') && fromBenchmarks.has(page)));
  assert.deepEqual(unlinked, []);
  assert.ok(fromReadme.has('BENCHMARKS.md'), 'README.md links BENCHMARKS.md');
});

test('README.md keeps the set-up and test commands that CI and newcomers run', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  for (const command of ['ONNXRUNTIME_NODE_INSTALL=skip npm ci', 'npx servelab demo', 'npm test']) {
    assert.ok(readme.includes(command), `README.md names \`${command}\``);
  }
});

test('links are found outside code only, anchors and external addresses are not files', () => {
  const text = [
    'See [the tutorial](docs/tutorial.md#first-study) and ![figure](docs/images/a%20b.png).',
    'Not a link: `[x](nowhere.md)`, nor [web](https://example.com), nor [here](#top).',
    '```yaml',
    'knobs: [a](b.md)',
    '```',
  ].join('\n');
  assert.deepEqual(relativeLinks(text), ['docs/tutorial.md', 'docs/images/a b.png']);
});
