/**
 * Launch templates filled in for `sh -c`: every value reaches the server as the text it is, never as shell
 * code. A placeholder in the open is replaced by the value in single quotes (POSIX escaping: `'` becomes
 * `'\''`), so `$(…)`, backticks, spaces and quotes are passed on literally as one word. A placeholder inside
 * quotes of the template may be part of a script for a nested shell (`sh -c '… {port} …'`), which would read
 * the value again whatever servelab did; there only plain values (letters, digits, `_ . , : / = @ + -`) are
 * accepted, and anything else is refused with the placeholder named.
 */
import { ServelabError } from '../core/errors.js';
import type { KnobValue } from '../core/space.js';
import { renderTemplate, templatePlaceholders } from '../plan/launch-template.js';

/** Characters no shell gives a meaning to, at any nesting level. */
const PLAIN_VALUE = /^[A-Za-z0-9_.,:/=@+-]*$/;

export type QuoteContext = 'open' | 'single-quoted' | 'double-quoted';

/** One word for sh: the value in single quotes, each `'` written as `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Fills a launch template for `sh -c`. Placeholders are first filled with markers (NUL cannot occur in a
 * shell command), then each marker is replaced according to the quotes around it.
 */
export function renderShellTemplate(template: string, values: Readonly<Record<string, KnobValue>>): string {
  if (template.includes('\u0000')) throw new ServelabError('launch command: the template holds a NUL character, which no shell command can');
  const names = templatePlaceholders(template);
  const markerOf = new Map(names.map((name, index) => [name, `\u0000${index}\u0000`]));
  // A placeholder without a value is reported by renderTemplate, with the names it knows.
  const marked = renderTemplate(template, Object.fromEntries(Object.keys(values).map((name) => [name, markerOf.get(name) ?? ''])));
  let out = '';
  let context: QuoteContext = 'open';
  for (let i = 0; i < marked.length; i++) {
    const char = marked[i]!;
    if (char === '\u0000') {
      const end = marked.indexOf('\u0000', i + 1);
      const name = names[Number(marked.slice(i + 1, end))]!;
      out += substitute(name, String(values[name]), context);
      i = end;
      continue;
    }
    out += char;
    if (char === '\\' && context !== 'single-quoted') {
      if (marked[i + 1] === '\u0000') {
        const name = names[Number(marked.slice(i + 2, marked.indexOf('\u0000', i + 2)))]!;
        throw new ServelabError(`launch command: a backslash right before {${name}} would take the quoting servelab adds apart; remove it`);
      }
      if (i + 1 < marked.length) out += marked[++i];
      continue;
    }
    if (char === "'" && context !== 'double-quoted') context = context === 'open' ? 'single-quoted' : 'open';
    else if (char === '"' && context !== 'single-quoted') context = context === 'open' ? 'double-quoted' : 'open';
  }
  return out;
}

function substitute(name: string, value: string, context: QuoteContext): string {
  if (context === 'open') return shellQuote(value);
  if (PLAIN_VALUE.test(value)) return value;
  throw new ServelabError(
    `launch command: the value of {${name}} (${JSON.stringify(value)}) has characters a shell would interpret, and the placeholder ` +
      `is inside ${context === 'single-quoted' ? 'single' : 'double'} quotes in target.launch.command, where it may be read by a nested shell; ` +
      `put {${name}} outside quotes (servelab quotes every value there) or use a value of letters, digits and _ . , : / = @ + -`,
  );
}
