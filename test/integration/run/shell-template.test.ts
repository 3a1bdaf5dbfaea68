/**
 * Launch templates run by `sh -c`: knob values reach the server as text, never as shell code, whatever they
 * hold ($(…), backticks, spaces, quotes); values the template puts inside quotes must be plain.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseStudy } from '../../../src/plan/study-schema.js';
import { checkLaunchCommand, planLaunch } from '../../../src/run/launch.js';
import { renderShellTemplate, shellQuote } from '../../../src/run/shell-template.js';

const HOSTILE = ['$(touch pwned-subshell)', '`touch pwned-backtick`', 'two words', "it's", '"; touch pwned-semicolon; "', '', 'a\\b', '*', 'line\nbreak', "''"];

function sh(command: string, cwd: string): string {
  const result = spawnSync('sh', ['-c', command], { cwd, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-quote-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('shellQuote: sh reads back exactly the value, one word, nothing run', (t) => {
  const dir = tempDir(t);
  for (const value of HOSTILE) assert.equal(sh(`printf '%s|' ${shellQuote(value)}`, dir), `${value}|`);
  assert.deepEqual(readdirSync(dir), [], 'no command inside a value ran');
});

test('a placeholder in the open is single-quoted: hostile knob values arrive intact as one argument each', (t) => {
  const dir = tempDir(t);
  const values = Object.fromEntries(HOSTILE.map((value, index) => [`custom.v${index}`, value]));
  const template = `printf '%s|' ${HOSTILE.map((_, index) => `{custom.v${index}}`).join(' ')}`;
  assert.equal(sh(renderShellTemplate(template, values), dir), HOSTILE.map((value) => `${value}|`).join(''));
  // The same value next to literal text stays in that word.
  assert.equal(sh(renderShellTemplate("printf '%s|' --name={custom.a}x", { 'custom.a': "o'neil $(touch y)" }), dir), "--name=o'neil $(touch y)x|");
  assert.deepEqual(readdirSync(dir), []);
});

test('inside quotes of the template plain values pass as written; anything a shell would read is refused, naming the placeholder', (t) => {
  const dir = tempDir(t);
  const nested = `sh -c 'printf "%s|" {port} --flag={custom.mode}' && printf '%s|' "{model}"`;
  assert.equal(sh(renderShellTemplate(nested, { port: 8501, 'custom.mode': 'fast-1.5', model: 'resnet50' }), dir), '8501|--flag=fast-1.5|resnet50|');
  assert.throws(
    () => renderShellTemplate(nested, { port: 8501, 'custom.mode': '$(touch pwned)', model: 'm' }),
    /the value of \{custom\.mode\} \("\$\(touch pwned\)"\) has characters a shell would interpret, and the placeholder is inside single quotes .*put \{custom\.mode\} outside quotes/,
  );
  assert.throws(() => renderShellTemplate(nested, { port: 1, 'custom.mode': 'x', model: 'two words' }), /\{model\} \("two words"\) .* inside double quotes/);
  // Quotes that were opened and closed again leave the placeholder in the open; an escaped quote opens nothing.
  assert.equal(sh(renderShellTemplate(`printf '%s|' 'a'{custom.x} \\"{custom.x}`, { 'custom.x': 'b c' }), dir), 'ab c|"b c|');
  assert.throws(() => renderShellTemplate('run \\{custom.x}', { 'custom.x': 'b' }), /a backslash right before \{custom\.x\}/);
  assert.throws(() => renderShellTemplate('run {custom.y}', { 'custom.x': 'b' }), /no value for placeholder \{custom\.y\}; known: custom\.x/);
  assert.equal(renderShellTemplate('echo {{literal}} {custom.x}', { 'custom.x': 'b' }), "echo {literal} 'b'");
  assert.deepEqual(readdirSync(dir), []);
});

function externalStudy(command: string, levels: string): ReturnType<typeof parseStudy> {
  return parseStudy(
    [
      'name: ext',
      'models: [m]',
      'workloads: [mnist-digits]',
      'target:',
      '  kind: external',
      "  url: 'http://127.0.0.1:{port}'",
      '  protocol: kserve-http',
      '  launch:',
      `    command: ${JSON.stringify(command)}`,
      'knobs:',
      `  custom.tag: ${levels}`,
      '',
    ].join('\n'),
  );
}

test('planLaunch: the server gets a hostile knob value as one argument and the shell runs nothing of it', async (t) => {
  const dir = tempDir(t);
  const script = join(dir, 'argv.cjs');
  writeFileSync(script, "require('fs').writeFileSync(process.argv[2], JSON.stringify(process.argv.slice(3)));\n");
  const out = join(dir, 'argv.json');
  const tag = "$(touch pwned) `touch pwned2` it's";
  const study = externalStudy(`${process.execPath} ${script} ${out} {port} {custom.tag}`, JSON.stringify([tag]));
  const plan = await planLaunch(study, { 'custom.tag': tag }, 'm', 1);
  const result = spawnSync(plan.argv[0]!, plan.argv.slice(1), { cwd: dir, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const argv = JSON.parse(readFileSync(out, 'utf8')) as string[];
  assert.equal(argv.length, 2);
  assert.match(argv[0]!, /^\d+$/);
  assert.equal(argv[1], tag);
  assert.equal(existsSync(join(dir, 'pwned')) || existsSync(join(dir, 'pwned2')), false);
});

test('checkLaunchCommand refuses, before anything runs, a level the command could not carry safely', () => {
  const nested = "sh -c 'exec server --tag={custom.tag} --port={port}'";
  assert.doesNotThrow(() => checkLaunchCommand(externalStudy(nested, '[a, b-2, "1.5"]')));
  assert.throws(() => checkLaunchCommand(externalStudy(nested, '[a, "x; reboot"]')), /the value of \{custom\.tag\} \("x; reboot"\)/);
  assert.doesNotThrow(() => checkLaunchCommand(externalStudy('server --tag={custom.tag} --port={port}', '[a, "x; reboot"]')));
});
